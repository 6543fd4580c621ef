"""GET /health for monitoring: no auth, never cached, honest about the store and staleness.

200 when the store answers and the last successful update is younger than two cycles; 503
otherwise, with the same body saying which part is wrong."""

from __future__ import annotations

import logging
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from api.operations import operation, path
from api.responses import encoded
from api.services import Services
from api.storecall import call
from shared import __version__
from shared.ids import now
from shared.models import UpdateStatus
from shared.shapes.base import shape
from shared.shapes.health import Health, UpdateSummary

log = logging.getLogger(__name__)


VERSION = __version__
U = TypeVar("U", bound=UpdateSummary)


def update_view(status: UpdateStatus | None, model: type[U]) -> U | None:
    """The last cycle's outcome: `error` is the short code (`UpdateError`) that anyone may see
    on /health; UpdateDetail (for /admin/stats) adds `message`, the full text, which can hold
    upstream bodies and exception messages."""
    if status is None:
        return None
    detail = {"message": status.error} if "message" in model.__struct_fields__ else {}
    return shape(model, status, error=status.error_code, **detail)


async def read_status(services: Services) -> tuple[bool, UpdateStatus | None]:
    """(store reachable, latest update status). Any failure means unreachable: a health check
    reports trouble, it does not crash on it."""
    store = services.store
    try:
        await call(store, store.ping)
        return True, await call(store, store.update_status)
    except Exception as error:  # noqa: BLE001 - every failure is "unreachable" to a monitor
        log.warning("health: store unreachable: %s", error)
        return False, None


@operation(
    "GET", "Service health for monitoring (no auth): 503 when the store is down or prices are stale",
    response=Health, public=True, also=(503,),
)
async def health(request: Request) -> Response:
    services: Services = request.app.state.services
    reachable, status = await read_status(services)
    at = now()
    stale_after = services.settings.stale_after_seconds
    last_success = status.last_success_at if status else None
    age = at - last_success if last_success is not None else None
    fresh = age is not None and age <= stale_after
    state = "ok" if reachable and fresh else ("unavailable" if not reachable else "stale")
    body = Health(
        status=state,
        version=VERSION,
        store="ok" if reachable else "unreachable",
        prices_age_seconds=age,
        stale_after_seconds=stale_after,
        last_update=update_view(status, UpdateSummary),
    )
    return encoded(body, 200 if state == "ok" else 503, {"Cache-Control": "no-store"})


routes = [path("/health", health)]
