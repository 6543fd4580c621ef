"""The Starlette application factory, shared by `cryptowatch serve`, the tests and Lambda.

Middleware order (outermost first): Starlette's error guard, the watch fast lane (a repeat
price poll with a known key, answered at once), the query-size limit, auth, rate limit, then
Starlette's exception handlers and the router. Every error leaves as {"error",
"message"} JSON; an unexpected exception is logged here and the client sees a plain 500 without
a traceback.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route

from api.middleware.auth import AuthMiddleware
from api.middleware.fast_lane import FastLaneMiddleware
from api.middleware.query_limit import QueryLimitMiddleware
from api.middleware.rate_limit import RateLimitMiddleware
from api.openapi import build_document
from api.openapi_admin import ADMIN_PATHS, ADMIN_SCHEMAS
from api.openapi_pairing import PAIRING_PATHS, PAIRING_SCHEMAS
from api.responses import JSON, error_response, response_for
from api.routes import admin_routes, health, history, pairing, prices
from api.services import Services
from shared.config import Settings
from shared.errors import CryptowatchError
from shared.store import open_store
from shared.store.base import Store

log = logging.getLogger("cryptowatch.api")

_HTTP_CODES = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed"}


async def on_cryptowatch_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CryptowatchError)
    return response_for(exc)


def allowed_methods(request: Request) -> str:
    """Every method the path supports. Starlette's 405 names only the first route that matched
    the path, and a path served by several routes (GET and DELETE) would under-report."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    return error_response(exc.status_code, code, str(exc.detail), headers)


async def on_unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "something went wrong on our side; it has been logged")


def create_app(
    settings: Settings | None = None, store: Store | None = None, *, init_store: bool = True
) -> Starlette:
    """Build the app. `init_store` creates or migrates the schema at start-up (off on Lambda,
    where the template owns the table)."""
    settings = settings or Settings.from_env()
    store = store or open_store(settings)
    services = Services.build(settings, store)
    document = orjson.dumps(
        build_document(health.VERSION, settings, {**ADMIN_PATHS, **PAIRING_PATHS}, {**ADMIN_SCHEMAS, **PAIRING_SCHEMAS})
    )

    async def openapi(request: Request) -> Response:
        return Response(document, media_type=JSON)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if init_store:
            store.init()
        try:
            yield
        finally:
            store.close()

    routes: list[BaseRoute] = [
        *prices.routes,
        *history.routes,
        *health.routes,
        *pairing.routes,
        *admin_routes.routes,
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(FastLaneMiddleware, services=services),
            Middleware(QueryLimitMiddleware),
            Middleware(AuthMiddleware, services=services),
            Middleware(RateLimitMiddleware, services=services),
        ],
        exception_handlers={
            CryptowatchError: on_cryptowatch_error,
            HTTPException: on_http_error,
            Exception: on_unexpected_error,
        },
        lifespan=lifespan,
    )
    app.state.services = services
    return app
