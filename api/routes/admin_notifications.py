"""The notification outbox: what was sent, what waits for a retry, what gave up, and sending
one that gave up again once its cause is fixed."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.lookup import found
from api.pagination import enum_filter, page_body, page_request
from api.responses import JSONBody
from api.services import Services
from api.storecall import call
from shared.errors import Conflict
from shared.ids import now
from shared.models import Notification, NotificationStatus
from shared.store.base import Store


def notification_view(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "alert_id": n.alert_id,
        "user_id": n.user_id,
        "channel": n.channel.value,
        "destination": n.destination,
        "subject": n.subject,
        "status": n.status.value,
        "attempts": n.attempts,
        "next_attempt_at": n.next_attempt_at,
        "last_error": n.last_error,
        "created_at": n.created_at,
        "sent_at": n.sent_at,
    }


async def listing(request: Request) -> Response:
    services: Services = request.app.state.services
    limit, cursor = page_request(request)
    status = enum_filter(request, "status", NotificationStatus)
    alert_id = request.query_params.get("alert_id") or None
    store = services.store
    page = await call(
        store,
        store.list_notifications,
        status=status,
        alert_id=alert_id,
        limit=limit,
        cursor=cursor,
    )
    return JSONBody(page_body(page, notification_view))


async def detail(request: Request) -> Response:
    services: Services = request.app.state.services
    store = services.store
    record = await call(store, found, store.get_notification, "notification", request.path_params["notification_id"])
    return JSONBody(notification_view(record))


def retry_failed(store: Store, notification_id: str, at: int) -> Notification:
    """Failed -> pending, attempts reset, due at `at`. Only a failed record (409 otherwise: a
    pending one is retried anyway, a sent one was delivered), and only while its user exists
    (a deleted user is sent nothing)."""
    record = found(store.get_notification, "notification", notification_id)
    if record.status is NotificationStatus.FAILED and store.get_user(record.user_id) is None:
        raise Conflict("the notification's user was deleted; nothing is sent to them", code="user_deleted")
    if not store.retry_notification(notification_id, at):
        raise Conflict(
            f"notification {notification_id} is {record.status.value}; only a failed one can be retried",
            code="notification_not_failed",
        )
    return found(store.get_notification, "notification", notification_id)


async def retry(request: Request) -> Response:
    services: Services = request.app.state.services
    store = services.store
    record = await call(store, retry_failed, store, request.path_params["notification_id"], now())
    return JSONBody(notification_view(record))


routes = [
    Route("/admin/notifications", listing, methods=["GET"]),
    Route("/admin/notifications/{notification_id}", detail, methods=["GET"]),
    Route("/admin/notifications/{notification_id}/retry", retry, methods=["POST"]),
]
