"""The watch's own alerts, compact: `{"a": [{"id", "s": symbol, "k": condition, "v": target,
"st": status}]}`. Any key with an owner may use them, and sees and touches only its owner's.
A watch creates email alerts to the owner's own address only; other channels and destinations
are the admin's to choose."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.requests import read_json
from api.responses import JSONBody
from api.routes.admin_alerts import WATCH_FIELDS, alert_spec, create_for
from api.services import Services
from api.storecall import call
from shared.errors import Forbidden, NotFound
from shared.ids import now
from shared.models import Alert, AlertStatus
from shared.store.base import Store

#: A watch has a few KB of heap: at most this many, active alerts first, then triggered ones.
MAX_ITEMS = 30


def compact(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "s": alert.symbol,
        "k": alert.condition.value,
        "v": alert.target,
        "st": alert.status.value,
    }


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


async def listing(request: Request) -> Response:
    services: Services = request.app.state.services
    alerts = await call(services.store, watch_alerts, services.store, owner(request))
    return JSONBody({"a": [compact(a) for a in alerts]}, headers={"Cache-Control": "no-store"})


async def create(request: Request) -> Response:
    services: Services = request.app.state.services
    user_id = owner(request)
    body = (await read_json(request, services.settings.max_body_bytes)).only(WATCH_FIELDS)
    spec = alert_spec(body)
    alert = await call(services.store, create_for, services.store, services.settings, user_id, spec, now())
    return JSONBody(compact(alert), status_code=201)


def cancel_own(store: Store, user_id: str, alert_id: str) -> None:
    """Someone else's alert is a 404, exactly like a missing one: ids do not leak."""
    alert = store.get_alert(alert_id)
    if alert is None or alert.user_id != user_id:
        raise NotFound(f"no alert {alert_id!r}", code="alert_not_found")
    store.cancel_alert(alert_id)


async def cancel(request: Request) -> Response:
    services: Services = request.app.state.services
    await call(services.store, cancel_own, services.store, owner(request), request.path_params["alert_id"])
    return Response(status_code=204)


routes = [
    Route("/v1/alerts", listing, methods=["GET"]),
    Route("/v1/alerts", create, methods=["POST"]),
    Route("/v1/alerts/{alert_id}", cancel, methods=["DELETE"]),
]
