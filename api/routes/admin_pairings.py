"""The operator's side of pairing: approve or deny the code a watch shows. An approval names the
user who will own the watch's key (and the key's label); the watch's next poll receives it.

A code that cannot be one is a 400 (`invalid_user_code`), one no pairing holds a 404
(`unknown_user_code`), an expired one a 400 (`expired_user_code`), one already decided a 409
(`pairing_decided`). Codes entered are limited per admin key (shared/pairing/limits.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.requests import read_json
from api.responses import JSONBody
from api.routes.admin_users import user_or_404
from api.services import Services
from api.storecall import call
from shared.ids import now
from shared.pairing import flow
from shared.pairing.codes import MAX_CODE_INPUT, canonical_user_code, display_user_code
from shared.pairing.model import Pairing, PairingStatus
from shared.store.base import Store

MAX_LABEL = 100


def approve_for(store: Store, typed_code: str, user_id: str, label: str | None, actor: str, at: int) -> Pairing:
    user_or_404(store, user_id)
    return flow.decide(store, typed_code, PairingStatus.APPROVED, at, actor=actor, user_id=user_id, label=label)


def view(pairing: Pairing, typed_code: str) -> dict[str, object]:
    return {
        "status": pairing.status.value,
        "user_code": display_user_code(canonical_user_code(typed_code)),
        "user_id": pairing.user_id,
        "label": pairing.label,
        "expires_at": pairing.expires_at,
    }


async def approve(request: Request) -> Response:
    services: Services = request.app.state.services
    body = (await read_json(request, services.settings.max_body_bytes)).only(("user_code", "user_id", "label"))
    typed = body.required_string("user_code", max_length=MAX_CODE_INPUT)
    user_id = body.required_string("user_id")
    label = body.string("label", max_length=MAX_LABEL)
    actor = request.scope["state"]["api_key"].id
    store = services.store
    decided = await call(store, approve_for, store, typed, user_id, label, actor, now())
    return JSONBody(view(decided, typed))


async def deny(request: Request) -> Response:
    services: Services = request.app.state.services
    body = (await read_json(request, services.settings.max_body_bytes)).only(("user_code",))
    typed = body.required_string("user_code", max_length=MAX_CODE_INPUT)
    actor = request.scope["state"]["api_key"].id
    store = services.store
    decided = await call(store, flow.decide, store, typed, PairingStatus.DENIED, now(), actor=actor)
    return JSONBody(view(decided, typed))


routes = [
    Route("/admin/pairings/approve", approve, methods=["POST"]),
    Route("/admin/pairings/deny", deny, methods=["POST"]),
]
