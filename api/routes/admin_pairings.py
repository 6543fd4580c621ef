"""The operator's side of pairing: approve or deny the code a watch shows. An approval names the
user who will own the watch's key (and the key's label); the watch's next poll receives it.

A code that cannot be one is a 400 (`invalid_user_code`), one no pairing holds a 404
(`unknown_user_code`), an expired one a 400 (`expired_user_code`), one already decided a 409
(`pairing_decided`). Codes entered are limited per admin key (shared/pairing/limits.py)."""

from __future__ import annotations

from starlette.requests import Request

from api.operations import operation, path
from api.routes.admin_users import user_or_404
from api.services import Services
from api.storecall import call
from shared.ids import now
from shared.pairing import flow
from shared.pairing.codes import canonical_user_code, display_user_code
from shared.pairing.model import Pairing, PairingStatus
from shared.shapes.base import shape
from shared.shapes.pairing import PairingApprove, PairingDecision, PairingDeny
from shared.store.base import Store


def approve_for(store: Store, body: PairingApprove, actor: str, at: int) -> Pairing:
    user_or_404(store, body.user_id)
    return flow.decide(
        store, body.user_code, PairingStatus.APPROVED, at, actor=actor, user_id=body.user_id, label=body.label
    )


def decision(pairing: Pairing, typed_code: str) -> PairingDecision:
    return shape(PairingDecision, pairing, user_code=display_user_code(canonical_user_code(typed_code)))


@operation(
    "POST", "Approve the code a watch shows: its next poll gets a key owned by user_id",
    body=PairingApprove, response=PairingDecision, errors=(404, 409),
)
async def approve(request: Request, body: PairingApprove) -> PairingDecision:
    services: Services = request.app.state.services
    actor = request.scope["state"]["api_key"].id
    decided = await call(services.store, approve_for, services.store, body, actor, now())
    return decision(decided, body.user_code)


@operation("POST", "Deny the code a watch shows", body=PairingDeny, response=PairingDecision, errors=(404, 409))
async def deny(request: Request, body: PairingDeny) -> PairingDecision:
    services: Services = request.app.state.services
    actor = request.scope["state"]["api_key"].id
    store = services.store
    decided = await call(store, flow.decide, store, body.user_code, PairingStatus.DENIED, now(), actor=actor)
    return decision(decided, body.user_code)


routes = [path("/pairings/approve", approve), path("/pairings/deny", deny)]
