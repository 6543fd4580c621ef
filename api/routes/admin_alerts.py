"""Admin alerts: create for a user, list with status and owner filters, cancel."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.lookup import found
from api.pagination import enum_filter, page_body, page_request
from api.requests import Body, read_json
from api.responses import JSONBody
from api.routes.admin_users import user_or_404
from api.services import Services
from api.storecall import call
from shared.alerts import MAX_COOLDOWN, AlertSpec, new_alert
from shared.config import Settings
from shared.errors import NotFound
from shared.ids import now
from shared.models import Alert, AlertStatus, Channel, Condition
from shared.store.base import Store

#: Fields a watch may set: its alerts are emails to the key owner's own address, so a watch key
#: cannot make the server mail or POST anywhere else. An admin also chooses the channel, the
#: destination, the owner and the cooldown.
WATCH_FIELDS = ("symbol", "condition", "target", "currency", "repeat")
ADMIN_FIELDS = (*WATCH_FIELDS, "channel", "destination", "user_id", "cooldown_seconds")


def alert_spec(body: Body) -> AlertSpec:
    condition = body.choice("condition", Condition, required=True)
    target = body.number("target", required=True)
    assert condition is not None and target is not None
    return AlertSpec(
        symbol=body.required_string("symbol", max_length=12),
        condition=condition,
        target=target,
        currency=body.string("currency", max_length=5),
        channel=body.choice("channel", Channel),
        destination=body.string("destination", max_length=2000),
        repeat=body.boolean("repeat"),
        cooldown_seconds=body.integer("cooldown_seconds", low=0, high=MAX_COOLDOWN),
    )


def alert_view(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "user_id": alert.user_id,
        "symbol": alert.symbol,
        "currency": alert.currency,
        "condition": alert.condition.value,
        "target": alert.target,
        "channel": alert.channel.value,
        "destination": alert.destination,
        "repeat": alert.repeat,
        "cooldown_seconds": alert.cooldown_seconds,
        "status": alert.status.value,
        "created_at": alert.created_at,
        "last_triggered_at": alert.last_triggered_at,
        "trigger_count": alert.trigger_count,
    }


def create_for(store: Store, settings: Settings, user_id: str, spec: AlertSpec, at: int) -> Alert:
    user = user_or_404(store, user_id)
    return store.create_alert(new_alert(spec, user, settings, at), max_active=settings.max_alerts_per_user)


async def create(request: Request) -> Response:
    services: Services = request.app.state.services
    settings = services.settings
    body = (await read_json(request, settings.max_body_bytes)).only(ADMIN_FIELDS)
    user_id = body.required_string("user_id")
    spec = alert_spec(body)
    alert = await call(services.store, create_for, services.store, settings, user_id, spec, now())
    return JSONBody(alert_view(alert), status_code=201)


async def listing(request: Request) -> Response:
    services: Services = request.app.state.services
    limit, cursor = page_request(request)
    status = enum_filter(request, "status", AlertStatus)
    user_id = request.query_params.get("user_id") or None
    store = services.store
    page = await call(store, store.list_alerts, user_id=user_id, status=status, limit=limit, cursor=cursor)
    return JSONBody(page_body(page, alert_view))


async def detail(request: Request) -> Response:
    services: Services = request.app.state.services
    store = services.store
    alert = await call(store, found, store.get_alert, "alert", request.path_params["alert_id"])
    return JSONBody(alert_view(alert))


async def cancel(request: Request) -> Response:
    services: Services = request.app.state.services
    store = services.store
    alert_id = request.path_params["alert_id"]
    if await call(store, store.cancel_alert, alert_id) is None:
        raise NotFound(f"no alert {alert_id!r}", code="alert_not_found")
    return Response(status_code=204)


routes = [
    Route("/admin/alerts", create, methods=["POST"]),
    Route("/admin/alerts", listing, methods=["GET"]),
    Route("/admin/alerts/{alert_id}", detail, methods=["GET"]),
    Route("/admin/alerts/{alert_id}", cancel, methods=["DELETE"]),
]
