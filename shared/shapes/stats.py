"""GET /admin/stats: a day's usage per key, the last update, alert and outbox counts."""

from __future__ import annotations

from shared.shapes.base import Epoch, Response
from shared.shapes.health import StreamDetail, UpdateDetail


class KeyDay(Response):
    key_id: str
    prefix: str | None
    requests: int
    rejected: int
    last_used_at: Epoch | None


class Totals(Response):
    requests: int
    rejected: int


class AlertCounts(Response):
    active: int


class OutboxCounts(Response):
    pending: int
    failed: int


class Stats(Response):
    day: str
    keys: list[KeyDay]
    totals: Totals
    last_update: UpdateDetail | None
    stream: StreamDetail | None
    alerts: AlertCounts
    outbox: OutboxCounts
