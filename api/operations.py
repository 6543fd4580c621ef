"""Declaring a route once: its handler with its request model, response model, parameters,
auth and error statuses. The router serves it, `api/openapi.py` documents it from the same
declaration, and a path's methods share one Route, so a 405's `Allow` is the router's own.

    @operation("POST", "Create a user", body=UserCreate, response=User, status=201, errors=(409,))
    async def create(request: Request, body: UserCreate) -> User: ...

    routes = [path("/users", create, listing), path("/users/{user_id}", detail, delete)]

A handler gets the request (and the decoded body when the operation declares one) and returns
the response model, which is encoded with the declared status; None for a 204; or a Starlette
Response when it needs its own status or headers. `raw=True` marks a plain ASGI handler (the
watch price routes, which send pre-encoded bodies).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send

from api.requests import read_model
from api.responses import encoded
from api.routes.deferred import DeferredMount

Handler = Callable[..., Awaitable[Any]]


class Param(msgspec.Struct, frozen=True):
    """A query, path or header parameter. `kind` is its type (an Annotated one carries its
    limits: the same constants the parser reads); `default` is documented."""

    name: str
    kind: Any = str
    where: Literal["query", "path", "header"] = "query"
    description: str = ""
    default: Any = None
    style: Mapping[str, Any] = msgspec.field(default_factory=dict)


class Operation(msgspec.Struct, frozen=True):
    method: str
    summary: str
    handler: Handler
    response: Any = None
    status: int = 200
    body: type[msgspec.Struct] | None = None
    body_optional: bool = False
    #: The body may also come form-encoded (application/x-www-form-urlencoded), as OAuth sends it.
    form: bool = False
    params: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()
    public: bool = False
    headers: Mapping[str, str] = msgspec.field(default_factory=dict)
    #: Other statuses that answer with the response model (/health's 503).
    also: tuple[int, ...] = ()
    #: Media type -> type, for an answer that is not one JSON model (an export file).
    content: Mapping[str, Any] | None = None
    #: ETag on the answer and 304 for a matching If-None-Match.
    cached: bool = False
    raw: bool = False

    async def respond(self, request: Request) -> Response:
        if self.body is None:
            result = await self.handler(request)
        else:
            limit = request.app.state.services.settings.max_body_bytes
            body = await read_model(request, self.body, limit, optional=self.body_optional, form=self.form)
            result = await self.handler(request, body)
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(status_code=204)
        return encoded(result, self.status, self.headers)


def operation(method: str, summary: str, **declared: Any) -> Callable[[Handler], Operation]:
    """Declare `handler` as the operation `method` (see Operation for the options)."""

    def declare(handler: Handler) -> Operation:
        return Operation(method=method, summary=summary, handler=handler, **declared)

    return declare


class Operations:
    """The ASGI endpoint of one path: the operation of the request's method (Starlette has
    already answered 405 for any other, naming these in `Allow`)."""

    def __init__(self, operations: Mapping[str, Operation]) -> None:
        self.by_method = dict(operations)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        declared = self.by_method["GET" if method == "HEAD" else method]
        if declared.raw:
            await declared.handler(scope, receive, send)
            return
        response = await declared.respond(Request(scope, receive))
        await response(scope, receive, send)


def declared_operations(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Operation]]:
    """(path, operation) for every declared route, inside mounts too (loading deferred ones)."""
    for route in routes:
        if isinstance(route, Mount):
            yield from declared_operations(route.routes, prefix + route.path)
        elif isinstance(route, Route) and isinstance(route.endpoint, Operations):
            for op in route.endpoint.by_method.values():
                yield prefix + route.path, op


def public_paths(routes: Sequence[BaseRoute]) -> set[str]:
    """The paths whose every operation is declared public: auth lets them through keyless. Of
    the routes loaded on first use (`api/routes/deferred.py`), their stated ones, so that
    start-up loads none of them."""
    found = list(_publicity(routes, ""))
    return {template for template, public in found if public} - {template for template, public in found if not public}


def _publicity(routes: Sequence[BaseRoute], prefix: str) -> Iterator[tuple[str, bool]]:
    """(path, whether public) for every declared operation, without loading deferred routes."""
    for route in routes:
        if isinstance(route, DeferredMount):
            yield from ((prefix + route.path + template, True) for template in route.public_paths)
        elif isinstance(route, Mount):
            yield from _publicity(route.routes, prefix + route.path)
        else:
            yield from ((template, op.public) for template, op in declared_operations([route], prefix))


def path(template: str, *operations: Operation) -> Route:
    """One route for every method of `template`."""
    endpoint = Operations({op.method: op for op in operations})
    return Route(template, endpoint, methods=list(endpoint.by_method))
