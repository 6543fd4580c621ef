"""The live alert stream as /health and /admin/stats show it: whether alerts are evaluated live
(`alerts: "stream"`) or wait for the five-minute cycle (`alerts: "cycle"`), and since when.

A stream that is down does not make /health fail: the cycle still evaluates every alert, only
later. `null` means no stream was ever run against this store."""

from __future__ import annotations

import logging
from typing import TypeVar

from api.services import Services
from api.storecall import call
from shared.models import StreamState, StreamStatus
from shared.shapes.base import shape
from shared.shapes.health import StreamSummary

log = logging.getLogger(__name__)

#: States in which the stream, not only the cycle, watches the alerts.
WATCHING = (StreamState.LIVE, StreamState.IDLE)


S = TypeVar("S", bound=StreamSummary)


def stream_view(status: StreamStatus | None, at: int, model: type[S]) -> S | None:
    """StreamDetail (for /admin/stats) adds the counters and the last problem's text."""
    if status is None:
        return None
    state = status.current(at)
    detail = {"message": status.error} if "message" in model.__struct_fields__ else {}
    return shape(
        model, status,
        state=state,
        alerts="stream" if state in WATCHING else "cycle",
        connected_at=status.connected_at if state == StreamState.LIVE else None,
        **detail,
    )


async def read_stream(services: Services) -> StreamStatus | None:
    """The stream's record; None when there is none or the store cannot say (the store's own
    state is what /health reports on)."""
    store = services.store
    try:
        return await call(store, store.stream_status)
    except Exception as error:  # noqa: BLE001 - a health check reports, it does not crash
        log.warning("health: stream status unreadable: %s", error)
        return None
