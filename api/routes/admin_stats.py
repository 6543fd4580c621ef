"""Admin stats: a day's requests and 429s per key (today by default), the last update, alert
and outbox counts."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from starlette.requests import Request

from api.operations import Param, operation, path
from api.routes.health import update_view
from api.services import Services
from api.storecall import call
from api.stream_view import stream_view
from shared.errors import InvalidInput
from shared.ids import day_start, now, utc_day
from shared.limits import DAY_PATTERN, DAY_SECONDS
from shared.models import NotificationStatus
from shared.paging import PAGE_SIZE, every_item
from shared.ratelimit import USAGE_RETENTION_SECONDS
from shared.shapes.base import shape
from shared.shapes.health import StreamDetail, UpdateDetail
from shared.shapes.stats import AlertCounts, KeyDay, OutboxCounts, Stats, Totals
from shared.store.base import Store

DAYS_KEPT = USAGE_RETENTION_SECONDS // DAY_SECONDS


def usage_day(raw: str | None, at: int) -> str:
    """`day=YYYY-MM-DD` (UTC), today when absent. Only a day whose every rate-limit window is
    still kept can be answered; an older one would be silently short, so it is a 400."""
    if raw is None:
        return utc_day(at)
    first = -(-(at - USAGE_RETENTION_SECONDS) // DAY_SECONDS) * DAY_SECONDS  # the oldest whole day kept
    try:
        start: int | None = day_start(raw)
    except InvalidInput:
        start = None
    if start is None or not first <= start <= at:
        raise InvalidInput(
            f"day must be a UTC date YYYY-MM-DD from {utc_day(first)} to {utc_day(at)}: "
            f"usage is kept {DAYS_KEPT} days",
            code="invalid_day",
        )
    return raw


def gather(store: Store, day: str) -> Stats:
    usage = store.usage_for_day(day)
    every_key = every_item(lambda c: store.list_keys(limit=PAGE_SIZE, cursor=c))
    prefixes = {k.id: k.prefix for k in every_key} if usage else {}
    keys = [shape(KeyDay, u, prefix=prefixes.get(u.key_id)) for u in sorted(usage, key=lambda u: -u.requests)]

    def outbox(status: NotificationStatus) -> int:
        return sum(1 for _ in every_item(lambda c: store.list_notifications(status=status, limit=PAGE_SIZE, cursor=c)))

    return Stats(
        day=day,
        keys=keys,
        totals=Totals(requests=sum(u.requests for u in usage), rejected=sum(u.rejected for u in usage)),
        last_update=update_view(store.update_status(), UpdateDetail),
        stream=stream_view(store.stream_status(), now(), StreamDetail),
        alerts=AlertCounts(active=len(store.active_alerts())),
        outbox=OutboxCounts(pending=outbox(NotificationStatus.PENDING), failed=outbox(NotificationStatus.FAILED)),
    )


@operation(
    "GET", "Usage on a day (today by default), last update, alert and outbox counts",
    response=Stats, headers={"Cache-Control": "no-store"},
    params=(
        Param(
            "day", Annotated[str, Meta(pattern=DAY_PATTERN, extra_json_schema={"format": "date"})],
            description=f"UTC day: today or one of the {DAYS_KEPT - 1} before (usage is kept {DAYS_KEPT} days)",
        ),
    ),
)
async def stats(request: Request) -> Stats:
    services: Services = request.app.state.services
    day = usage_day(request.query_params.get("day"), now())
    return await call(services.store, gather, services.store, day)


routes = [path("/stats", stats)]
