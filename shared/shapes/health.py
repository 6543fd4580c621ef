"""GET /health, and the last refresh cycle's outcome that it and /admin/stats report."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from shared.models import StreamState, UpdateError
from shared.shapes.base import Epoch, Response


class UpdateSummary(Response):
    """The last cycle's outcome, as anyone may see it."""

    ok: bool
    source: str
    finished_at: Epoch
    symbols_updated: int
    error: Annotated[
        UpdateError | None,
        Meta(description="what kind of problem the last cycle met (its details are in /admin/stats)"),
    ]
    last_success_at: Epoch | None


class UpdateDetail(UpdateSummary, kw_only=True):
    """The same for an admin, with the full text of the error (upstream bodies, exceptions)."""

    message: str | None


class StreamSummary(Response):
    """The live alert stream (`cryptowatch stream`), as anyone may see it."""

    state: StreamState
    alerts: Annotated[
        Literal["stream", "cycle"],
        Meta(description="who evaluates alerts now: the live stream, or only the five-minute cycle"),
    ]
    streams: Annotated[int, Meta(description="market streams subscribed")]
    connected_at: Epoch | None
    last_message_at: Epoch | None


class StreamDetail(StreamSummary, kw_only=True):
    """The same for an admin, with the counters and the last problem's text."""

    updated_at: Epoch
    reconnects: int
    messages: int
    rejected: int
    triggered: int
    message: str | None


class Health(Response):
    status: Literal["ok", "stale", "unavailable"]
    version: str
    store: Literal["ok", "unreachable"]
    prices_age_seconds: int | None
    stale_after_seconds: int
    last_update: UpdateSummary | None
    stream: Annotated[
        StreamSummary | None, Meta(description="the live alert stream; null when none ever ran against this store")
    ]
