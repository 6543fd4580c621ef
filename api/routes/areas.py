"""The two keyed areas, each mounted behind its own middleware: /admin (admin keys only, then
the rate limit) and /v1 (any key, then the rate limit; its public /v1/auth and /v1/pair routes
take none). The scope guard runs before the rate limit, so a refused request counts against no
key.

Only the price and history routes are imported at start-up: /admin's route modules are imported
on its first request, and the rest of /v1 (alerts, portfolio, pairing, accounts) on the first
request for one of its routes (`api/routes/deferred.py`). A watch's price poll on a cold Lambda
instance needs none of them."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import BaseRoute, Mount

from api.errors import HANDLERS
from api.middleware.auth import RequireScope
from api.middleware.rate_limit import RateLimitMiddleware
from api.routes import history, prices
from api.routes.deferred import DeferredMount, DeferredRoutes
from shared.models import Scope


def admin_routes() -> list[BaseRoute]:
    """/admin's routes, imported here: on the area's first request, not at start-up."""
    from api.routes import (
        admin_alerts,
        admin_exports,
        admin_keys,
        admin_notifications,
        admin_pairings,
        admin_stats,
        admin_users,
        portfolio,
    )

    return [
        *admin_users.routes,
        *admin_keys.routes,
        *admin_alerts.routes,
        *admin_notifications.routes,
        *admin_exports.routes,
        *admin_stats.routes,
        *portfolio.admin_routes,
        *admin_pairings.routes,
    ]


ADMIN = DeferredMount(
    "/admin",
    admin_routes,
    middleware=[
        Middleware(RequireScope, needed=Scope.ADMIN),
        Middleware(RateLimitMiddleware),
        Middleware(ExceptionMiddleware, handlers=HANDLERS),
    ],
)


def other_v1_routes() -> list[BaseRoute]:
    """/v1's routes beyond prices and history, imported here: on the first request for one."""
    from api.routes import accounts, me, pairing, portfolio, watch_alerts

    return [*watch_alerts.routes, *portfolio.watch_routes, *pairing.routes, *accounts.routes, *me.routes]


#: The public ones: signing up, logging in, resetting a password, pairing a watch
#: (tests/shapes/test_deferred_areas.py keeps this list equal to the routes' own declarations).
OTHER_V1 = DeferredRoutes(
    other_v1_routes,
    public_paths=("/auth/register", "/auth/verify", "/auth/login", "/auth/reset", "/auth/reset/confirm", "/pair",
                  "/pair/token"),
)

WATCH = Mount(
    "/v1",
    routes=[*prices.routes, *history.routes, OTHER_V1],  # OTHER_V1 last: see DeferredRoutes
    middleware=[Middleware(RateLimitMiddleware), Middleware(ExceptionMiddleware, handlers=HANDLERS)],
)

routes = [WATCH, ADMIN]
