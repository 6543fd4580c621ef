"""Admin stats: today's requests and 429s per key, the last update, alert and outbox counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.responses import JSONBody
from api.services import Services
from api.storecall import call
from shared.ids import now, utc_day
from shared.models import ApiKey, NotificationStatus, Page, UpdateStatus
from shared.store.base import Store

PAGE = 500


def count_all(fetch: Callable[[str | None], Page[Any]]) -> int:
    total, cursor = 0, None
    while True:
        page = fetch(cursor)
        total += len(page.items)
        if (cursor := page.next_cursor) is None:
            return total


def key_prefixes(store: Store) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    cursor: str | None = None
    while True:
        page: Page[ApiKey] = store.list_keys(limit=PAGE, cursor=cursor)
        prefixes.update((k.id, k.prefix) for k in page.items)
        if (cursor := page.next_cursor) is None:
            return prefixes


def update_view(status: UpdateStatus | None) -> dict[str, Any] | None:
    """The same shape as /health's last_update."""
    if status is None:
        return None
    return {
        "ok": status.ok,
        "source": status.source,
        "finished_at": status.finished_at,
        "symbols_updated": status.symbols_updated,
        "error": status.error,
        "last_success_at": status.last_success_at,
    }


def gather(store: Store, day: str) -> dict[str, Any]:
    usage = store.usage_for_day(day)
    prefixes = key_prefixes(store) if usage else {}
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
        return count_all(lambda c: store.list_notifications(status=status, limit=PAGE, cursor=c))

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
