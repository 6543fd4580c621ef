"""The two keyed areas, each mounted behind its own middleware: /admin (admin keys only, then
the rate limit) and /v1 (any key, then the rate limit; its public /v1/auth routes take none).
The scope guard runs before the rate limit, so a refused request counts against no key.

/admin's route modules are imported on its first request (`api/routes/deferred.py`): a watch's
request on a cold Lambda instance never needs them."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import BaseRoute, Mount

from api.errors import HANDLERS
from api.middleware.auth import RequireScope
from api.middleware.rate_limit import RateLimitMiddleware
from api.routes import accounts, history, me, pairing, portfolio, prices, watch_alerts
from api.routes.deferred import DeferredMount
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

WATCH = Mount(
    "/v1",
    routes=[
        *prices.routes, *history.routes, *watch_alerts.routes, *portfolio.watch_routes, *pairing.routes,
        *accounts.routes, *me.routes,
    ],
    middleware=[Middleware(RateLimitMiddleware), Middleware(ExceptionMiddleware, handlers=HANDLERS)],
)

routes = [WATCH, ADMIN]
