"""The Starlette application factory, shared by `cryptowatch serve`, the tests and Lambda.

Middleware order (outermost first): Starlette's error guard, CORS when configured
(`api/cors.py`), the watch fast lane (a repeat price poll with a known key, answered at once, and
counted by the lane itself), request metrics for everything else (`api/metrics.py`), the
query-size limit, auth, then Starlette's
exception handlers and the router; each keyed area (/v1, /admin: api/routes/areas.py) adds its
scope guard, the rate limit and the exception handlers again. Every error leaves as {"error",
"message"} JSON; an unexpected exception is logged and the client sees a plain 500 without a
traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from api.cors import cors_middleware
from api.errors import HANDLERS, on_unexpected_error
from api.metrics import MetricsMiddleware, RouteNames, metrics_setup
from api.middleware.auth import AuthMiddleware
from api.middleware.fast_lane import FastLaneMiddleware
from api.middleware.query_limit import QueryLimitMiddleware
from api.operations import operation, path, public_paths
from api.responses import JSON
from api.routes import areas, health
from api.routes.deferred import DeferredRoutes
from api.services import Services
from shared.config import Settings
from shared.store import open_store
from shared.store.base import Store


def openapi_route(settings: Settings) -> Route:
    """/openapi.json, assembled from the app's own routes on its first request."""
    document: list[bytes] = []

    @operation("GET", "This document", response=dict[str, Any], public=True)
    async def openapi(request: Request) -> Response:
        if not document:
            from api.openapi import build_document  # only for this document: not on a cold start

            document.append(orjson.dumps(build_document(health.VERSION, settings, request.app.routes)))
        return Response(document[0], media_type=JSON)

    return path("/openapi.json", openapi)


def web_routes() -> list[BaseRoute]:
    """The wearer's web pages, imported here: on the first request for one, not at start-up."""
    from api.web import activate, pages, signup

    return [*activate.routes, *pages.routes, *signup.routes]


#: Listed last: a request for any other route never loads them. All public: they take a
#: cookie session, not a key (tests/shapes/test_deferred_areas.py keeps this list true).
WEB = DeferredRoutes(
    web_routes,
    public_paths=("/activate", "/login", "/logout", "/account", "/verify", "/reset", "/reset/confirm", "/web.css",
                  "/signup"),
)


def create_app(
    settings: Settings | None = None, store: Store | None = None, *, init_store: bool = True
) -> Starlette:
    """Build the app. `init_store` creates or migrates the schema at start-up (off on Lambda,
    where the template owns the table)."""
    settings = settings or Settings.from_env()
    store = store or open_store(settings)
    services = Services.build(settings, store)
    metrics = metrics_setup(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if init_store:
            store.init()
        try:
            yield
        finally:
            store.close()

    routes: list[BaseRoute] = [
        *health.routes,
        *areas.routes,
        *metrics.routes,
        openapi_route(settings),
        WEB,
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            *cors_middleware(settings),
            Middleware(FastLaneMiddleware, services=services, observer=metrics.observer),
            Middleware(MetricsMiddleware, observer=metrics.observer, names=RouteNames(routes)),
            Middleware(QueryLimitMiddleware),
            Middleware(AuthMiddleware, services=services, public_paths=public_paths(routes)),
        ],
        exception_handlers={**HANDLERS, Exception: on_unexpected_error},
        lifespan=lifespan,
    )
    app.state.services = services
    return app
