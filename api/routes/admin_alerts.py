"""Admin alerts: create for a user, list with status and owner filters, cancel."""

from __future__ import annotations

from starlette.requests import Request

from api.lookup import found
from api.operations import Param, operation, path
from api.pagination import PAGING, enum_filter, page_body, page_request
from api.routes.admin_users import user_or_404
from api.services import Services
from api.storecall import call
from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.errors import NotFound
from shared.ids import now
from shared.models import Alert as AlertRecord
from shared.models import AlertStatus
from shared.shapes.alerts import Alert, AlertCreate, AlertPage, WatchAlertCreate
from shared.shapes.base import shape
from shared.store.base import Store

_SPEC_FIELDS = AlertSpec.__struct_fields__


def alert_spec(body: WatchAlertCreate) -> AlertSpec:
    """What the body asks for; a watch's body has no routing fields, which default."""
    return AlertSpec(**{name: getattr(body, name, None) for name in _SPEC_FIELDS})


def create_for(store: Store, settings: Settings, user_id: str, spec: AlertSpec, at: int) -> AlertRecord:
    user = user_or_404(store, user_id)
    return store.create_alert(new_alert(spec, user, settings, at), max_active=settings.max_alerts_per_user)


@operation("POST", "Create an alert for a user", body=AlertCreate, response=Alert, status=201, errors=(404, 409))
async def create(request: Request, body: AlertCreate) -> Alert:
    services: Services = request.app.state.services
    store = services.store
    alert = await call(store, create_for, store, services.settings, body.user_id, alert_spec(body), now())
    return shape(Alert, alert)


@operation(
    "GET", "List alerts", response=AlertPage,
    params=(Param("status", AlertStatus), Param("user_id"), *PAGING),
)
async def listing(request: Request) -> AlertPage:
    services: Services = request.app.state.services
    limit, cursor = page_request(request)
    status = enum_filter(request, "status", AlertStatus)
    user_id = request.query_params.get("user_id") or None
    store = services.store
    page = await call(store, store.list_alerts, user_id=user_id, status=status, limit=limit, cursor=cursor)
    return page_body(AlertPage, page, lambda alert: shape(Alert, alert))


@operation("GET", "An alert", response=Alert, errors=(404,))
async def detail(request: Request) -> Alert:
    services: Services = request.app.state.services
    store = services.store
    return shape(Alert, await call(store, found, store.get_alert, "alert", request.path_params["alert_id"]))


@operation("DELETE", "Cancel an alert (idempotent)", status=204, errors=(404,))
async def cancel(request: Request) -> None:
    services: Services = request.app.state.services
    store = services.store
    alert_id = request.path_params["alert_id"]
    if await call(store, store.cancel_alert, alert_id) is None:
        raise NotFound(f"no alert {alert_id!r}", code="alert_not_found")


routes = [path("/alerts", create, listing), path("/alerts/{alert_id}", detail, cancel)]
