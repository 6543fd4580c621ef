"""A mounted area whose route modules are imported on its first request instead of at start-up,
so that a cold start (a new Lambda instance) pays only for the areas its first request needs
(docs/benchmarks.md, cold start).

Whatever walks the area's routes loads them as well: the router when a request comes under its
prefix, the OpenAPI document, the metrics' route names, `url_for`. Only which paths need no key
is decided without them (`api.operations.declared_operations(..., deferred=False)`), so a
deferred area must declare no public operation (tests/shapes/test_deferred_areas.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Router
from starlette.types import Receive, Scope, Send


class DeferredMount(Mount):
    """`Mount(path, routes=load(), middleware=...)`, with `load` called on first use."""

    def __init__(self, path: str, load: Callable[[], Sequence[BaseRoute]], middleware: Sequence[Middleware]) -> None:
        self._load = load
        self._router: Router | None = None
        super().__init__(path, app=self._dispatch, middleware=middleware)

    @property
    def loaded(self) -> bool:
        return self._router is not None

    @property
    def routes(self) -> list[BaseRoute]:
        return self._loaded().routes

    def _loaded(self) -> Router:
        if self._router is None:  # no await in between: one event loop loads it once
            self._router = Router(routes=list(self._load()))
        return self._router

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._loaded()(scope, receive, send)
