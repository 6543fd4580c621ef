"""Admin stats: today's requests and 429s per key, the last update, alert and outbox counts."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.responses import JSONBody
from api.routes.health import update_view
from api.services import Services
from api.storecall import call
from shared.ids import now, utc_day
from shared.models import NotificationStatus
from shared.paging import PAGE_SIZE, every_item
from shared.store.base import Store


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
        "last_update": update_view(store.update_status()),
        "alerts": {"active": len(store.active_alerts())},
        "outbox": {
            "pending": outbox(NotificationStatus.PENDING),
            "failed": outbox(NotificationStatus.FAILED),
        },
    }


async def stats(request: Request) -> Response:
    services: Services = request.app.state.services
    body = await call(services.store, gather, services.store, utc_day(now()))
    return JSONBody(body, headers={"Cache-Control": "no-store"})


routes = [Route("/admin/stats", stats, methods=["GET"])]
