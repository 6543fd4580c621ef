"""GET /health for monitoring: no auth, never cached, honest about the store and staleness.

200 when the store answers and the last successful update is younger than two cycles; 503
otherwise, with the same body saying which part is wrong. The store's write-lock probe is
reused for PROBE_SECONDS (`StoreProbe`); the update status is read on every request."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api.operations import operation, path
from api.responses import encoded
from api.services import Services, per_app
from api.storecall import call
from api.stream_view import read_stream, stream_view
from shared import __version__
from shared.ids import now
from shared.models import UpdateStatus
from shared.shapes.base import shape
from shared.shapes.health import Health, StreamSummary, UpdateSummary

log = logging.getLogger(__name__)


VERSION = __version__
U = TypeVar("U", bound=UpdateSummary)

#: How long one probe of the store answers for. A monitor or load balancer may ask many times a
#: second, and SQLite's probe takes the write lock (waiting up to 0.5 s for it).
PROBE_SECONDS = 1.0


class StoreProbe:
    """Whether the store can be written, asked at most once per PROBE_SECONDS per worker, one
    probe at a time and off the event loop (it may wait for a lock); the answer, good or bad, is
    what every /health gets until it is that old."""

    def __init__(self, ping: Callable[[], None], clock: Callable[[], float] = time.monotonic) -> None:
        self._ping = ping
        self._clock = clock
        self._lock = asyncio.Lock()
        self._probed_at = -PROBE_SECONDS
        self._reachable = False

    def _fresh(self) -> bool:
        return self._clock() - self._probed_at < PROBE_SECONDS

    async def reachable(self) -> bool:
        if self._fresh():
            return self._reachable
        async with self._lock:
            if not self._fresh():
                try:
                    await run_in_threadpool(self._ping)
                    self._reachable = True
                except Exception as error:  # noqa: BLE001 - every failure is "unreachable" to a monitor
                    log.warning("health: store unreachable: %s", error)
                    self._reachable = False
                self._probed_at = self._clock()
        return self._reachable


def update_view(status: UpdateStatus | None, model: type[U]) -> U | None:
    """The last cycle's outcome: `error` is the short code (`UpdateError`) that anyone may see
    on /health; UpdateDetail (for /admin/stats) adds `message`, the full text, which can hold
    upstream bodies and exception messages."""
    if status is None:
        return None
    detail = {"message": status.error} if "message" in model.__struct_fields__ else {}
    return shape(model, status, error=status.error_code, **detail)


async def read_status(services: Services, probe: StoreProbe) -> tuple[bool, UpdateStatus | None]:
    """(store reachable, latest update status). Any failure means unreachable: a health check
    reports trouble, it does not crash on it."""
    store = services.store
    if not await probe.reachable():
        return False, None
    try:
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
    probe = per_app(request.app, "store_probe", lambda: StoreProbe(services.store.ping))
    reachable, status = await read_status(services, probe)
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
        stream=stream_view(await read_stream(services), at, StreamSummary),
    )
    return encoded(body, 200 if state == "ok" else 503, {"Cache-Control": "no-store"})


routes = [path("/health", health)]
