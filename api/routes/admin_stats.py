"""Admin stats: a day's requests and 429s per key (today by default), the last update, alert
and outbox counts."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.responses import JSONBody
from api.routes.health import update_view
from api.services import Services
from api.storecall import call
from api.stream_view import stream_view
from shared.errors import InvalidInput
from shared.ids import day_start, now, utc_day
from shared.models import NotificationStatus
from shared.paging import PAGE_SIZE, every_item
from shared.ratelimit import USAGE_RETENTION_SECONDS
from shared.store.base import Store

DAY_SECONDS = 86_400
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


def gather(store: Store, day: str) -> dict[str, Any]:
    usage = store.usage_for_day(day)
    every_key = every_item(lambda c: store.list_keys(limit=PAGE_SIZE, cursor=c))
    prefixes = {k.id: k.prefix for k in every_key} if usage else {}
    keys = [
        {
            "key_id": u.key_id,
            "prefix": prefixes.get(u.key_id),
            "requests": u.requests,
            "rejected": u.rejected,
            "last_used_at": u.last_used_at,
        }
        for u in sorted(usage, key=lambda u: -u.requests)
    ]

    def outbox(status: NotificationStatus) -> int:
        return sum(1 for _ in every_item(lambda c: store.list_notifications(status=status, limit=PAGE_SIZE, cursor=c)))

    return {
        "day": day,
        "keys": keys,
        "totals": {
            "requests": sum(u.requests for u in usage),
            "rejected": sum(u.rejected for u in usage),
        },
        "last_update": update_view(store.update_status(), detailed=True),
        "stream": stream_view(store.stream_status(), now(), detailed=True),
        "alerts": {"active": len(store.active_alerts())},
        "outbox": {
            "pending": outbox(NotificationStatus.PENDING),
            "failed": outbox(NotificationStatus.FAILED),
        },
    }


async def stats(request: Request) -> Response:
    services: Services = request.app.state.services
    day = usage_day(request.query_params.get("day"), now())
    body = await call(services.store, gather, services.store, day)
    return JSONBody(body, headers={"Cache-Control": "no-store"})


routes = [Route("/admin/stats", stats, methods=["GET"])]
