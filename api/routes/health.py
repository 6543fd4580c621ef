"""GET /health for monitoring: no auth, never cached, honest about the store and staleness.

200 when the store answers and the last successful update is younger than two cycles; 503
otherwise, with the same body saying which part is wrong."""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.responses import JSONBody
from api.services import Services
from api.storecall import call
from api.stream_view import read_stream, stream_view
from shared import __version__
from shared.ids import now
from shared.models import UpdateStatus

log = logging.getLogger(__name__)


VERSION = __version__


def update_view(status: UpdateStatus | None, *, detailed: bool = False) -> dict[str, Any] | None:
    """The last cycle's outcome: `error` is the short code (`UpdateError`) that anyone may see
    on /health; `detailed` (for /admin/stats) adds `message`, the full text, which can hold
    upstream bodies and exception messages."""
    if status is None:
        return None
    view = {
        "ok": status.ok,
        "source": status.source,
        "finished_at": status.finished_at,
        "symbols_updated": status.symbols_updated,
        "error": status.error_code,
        "last_success_at": status.last_success_at,
    }
    if detailed:
        view["message"] = status.error
    return view


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


async def health(request: Request) -> Response:
    services: Services = request.app.state.services
    reachable, status = await read_status(services)
    at = now()
    stale_after = services.settings.stale_after_seconds
    last_success = status.last_success_at if status else None
    age = at - last_success if last_success is not None else None
    fresh = age is not None and age <= stale_after
    state = "ok" if reachable and fresh else ("unavailable" if not reachable else "stale")
    body = {
        "status": state,
        "version": VERSION,
        "store": "ok" if reachable else "unreachable",
        "prices_age_seconds": age,
        "stale_after_seconds": stale_after,
        "last_update": update_view(status),
        "stream": stream_view(await read_stream(services), at),
    }
    return JSONBody(body, status_code=200 if state == "ok" else 503, headers={"Cache-Control": "no-store"})


routes = [Route("/health", health, methods=["GET"])]
