"""Routes whose modules are imported on their first request instead of at start-up, so that a
cold start (a new Lambda instance) pays only for what its first request needs (docs/benchmarks.md,
cold start).

Whatever walks their routes loads them as well: the router when a request reaches them, the
OpenAPI document, the metrics' route names, `url_for`. Only which paths need no key is decided
without them: each states its public paths where it is assembled
(`api.operations.public_paths`), and tests/shapes/test_deferred_areas.py keeps that statement
equal to the operations' own `public=True`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Match, Mount, Router
from starlette.types import Receive, Scope, Send


class DeferredMount(Mount):
    """`Mount(path, routes=load(), middleware=...)`, with `load` called on first use.
    `public_paths` (relative to `path`) are those of its paths whose every operation is public."""

    def __init__(
        self,
        path: str,
        load: Callable[[], Sequence[BaseRoute]],
        middleware: Sequence[Middleware] = (),
        public_paths: Iterable[str] = (),
    ) -> None:
        self._load = load
        self._router: Router | None = None
        self.public_paths = frozenset(public_paths)
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


class DeferredRoutes(DeferredMount):
    """Routes with no prefix of their own, served in place among the routes of the router that
    lists them, and loaded the first time a request gets as far as them. List them after that
    router's eager routes: the router stops at a full match, so a request one of those answers
    (a watch's price poll) never loads them. A match here is the best of theirs, so a wrong
    method is still a 405 naming the allowed ones."""

    def __init__(self, load: Callable[[], Sequence[BaseRoute]], public_paths: Iterable[str] = ()) -> None:
        super().__init__("", load, public_paths=public_paths)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        found = (route.matches(scope)[0] for route in self.routes)
        best = max(found, key=lambda match: match.value, default=Match.NONE)
        if best is Match.NONE:
            return Match.NONE, {}
        return best, super().matches(scope)[1]
