"""The notification outbox: what was sent, what waits for a retry, what gave up, and sending
one that gave up again once its cause is fixed."""

from __future__ import annotations

from starlette.requests import Request

from api.lookup import found
from api.operations import Param, operation, path
from api.pagination import PAGING, enum_filter, page_body, page_request
from api.services import Services
from api.storecall import call
from shared.errors import Conflict
from shared.ids import now
from shared.models import Notification as NotificationRecord
from shared.models import NotificationStatus
from shared.shapes.base import shape
from shared.shapes.notifications import Notification, NotificationPage
from shared.store.base import Store


@operation(
    "GET", "The notification outbox", response=NotificationPage,
    params=(Param("status", NotificationStatus), Param("alert_id"), *PAGING),
)
async def listing(request: Request) -> NotificationPage:
    services: Services = request.app.state.services
    limit, cursor = page_request(request)
    status = enum_filter(request, "status", NotificationStatus)
    alert_id = request.query_params.get("alert_id") or None
    store = services.store
    page = await call(store, store.list_notifications, status=status, alert_id=alert_id, limit=limit, cursor=cursor)
    return page_body(NotificationPage, page, lambda record: shape(Notification, record))


@operation("GET", "One outbox record", response=Notification, errors=(404,))
async def detail(request: Request) -> Notification:
    services: Services = request.app.state.services
    store = services.store
    notification_id = request.path_params["notification_id"]
    return shape(Notification, await call(store, found, store.get_notification, "notification", notification_id))


def retry_failed(store: Store, notification_id: str, at: int) -> NotificationRecord:
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


@operation(
    "POST", "Send a failed notification again: pending, attempts reset, due now",
    response=Notification, errors=(404, 409),
)
async def retry(request: Request) -> Notification:
    services: Services = request.app.state.services
    store = services.store
    return shape(Notification, await call(store, retry_failed, store, request.path_params["notification_id"], now()))


routes = [
    path("/notifications", listing),
    path("/notifications/{notification_id}", detail),
    path("/notifications/{notification_id}/retry", retry),
]
