"""The watch's own alerts, compact (`shared.shapes.alerts.WatchAlert`). Any key with an owner
may use them, and sees and touches only its owner's. A watch creates email alerts to the
owner's own address only; other channels and destinations are the admin's to choose."""

from __future__ import annotations

from starlette.requests import Request

from api.operations import operation, path
from api.routes.admin_alerts import alert_spec, create_for
from api.services import Services
from api.storecall import call
from shared.errors import Forbidden, NotFound
from shared.ids import now
from shared.models import Alert, AlertStatus
from shared.shapes.alerts import WatchAlert, WatchAlertCreate, WatchAlerts
from shared.store.base import Store

#: A watch has a few KB of heap: at most this many, active alerts first, then triggered ones.
MAX_ITEMS = 30
NO_STORE = {"Cache-Control": "no-store"}


def compact(alert: Alert) -> WatchAlert:
    return WatchAlert(id=alert.id, s=alert.symbol, k=alert.condition, v=alert.target, st=alert.status)


def owner(request: Request) -> str:
    user_id = request.state.api_key.user_id
    if user_id is None:
        raise Forbidden("this key belongs to no user, and alerts belong to users", code="no_owner")
    return str(user_id)


def watch_alerts(store: Store, user_id: str) -> list[Alert]:
    shown: list[Alert] = []
    for status in (AlertStatus.ACTIVE, AlertStatus.TRIGGERED):
        page = store.list_alerts(user_id=user_id, status=status, limit=MAX_ITEMS - len(shown))
        shown.extend(page.items)
        if len(shown) >= MAX_ITEMS:
            break
    return shown


@operation("GET", "The key owner's alerts, compact (any key with an owner)", response=WatchAlerts, headers=NO_STORE)
async def listing(request: Request) -> WatchAlerts:
    services: Services = request.app.state.services
    alerts = await call(services.store, watch_alerts, services.store, owner(request))
    return WatchAlerts(a=[compact(a) for a in alerts])


@operation(
    "POST", "Create an email alert to the key owner's own address",
    body=WatchAlertCreate, response=WatchAlert, status=201, errors=(404, 409),
)
async def create(request: Request, body: WatchAlertCreate) -> WatchAlert:
    services: Services = request.app.state.services
    user_id = owner(request)
    alert = await call(services.store, create_for, services.store, services.settings, user_id, alert_spec(body), now())
    return compact(alert)


def cancel_own(store: Store, user_id: str, alert_id: str) -> None:
    """Someone else's alert is a 404, exactly like a missing one: ids do not leak."""
    alert = store.get_alert(alert_id)
    if alert is None or alert.user_id != user_id:
        raise NotFound(f"no alert {alert_id!r}", code="alert_not_found")
    store.cancel_alert(alert_id)


@operation("DELETE", "Cancel one of the owner's alerts", status=204, errors=(404,))
async def cancel(request: Request) -> None:
    services: Services = request.app.state.services
    await call(services.store, cancel_own, services.store, owner(request), request.path_params["alert_id"])


routes = [path("/alerts", listing, create), path("/alerts/{alert_id}", cancel)]
