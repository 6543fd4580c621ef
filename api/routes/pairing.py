"""The watch's side of pairing (RFC 8628), no key needed: `POST /v1/pair` is the device
authorization endpoint (sections 3.1-3.2), `POST /v1/pair/token` the token endpoint (3.4-3.5).
Both take the form-encoded body OAuth clients send, or the same fields as JSON. Token refusals
are 400 with the RFC's codes, plus `interval` while the watch should keep polling; answers are
never cached (RFC 6749 section 5.1)."""

from __future__ import annotations

from starlette.requests import Request

from api.middleware.auth_failures import client_address
from api.operations import operation, path
from api.services import Services
from api.storecall import call
from shared.ids import now
from shared.pairing import flow
from shared.pairing.limits import PAIR_REQUESTS_PER_ADDRESS, enforce
from shared.shapes.pairing import PairStart, PairStarted, Token, TokenRequest
from shared.store.base import Store

VERIFICATION_PATH = "/activate"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def start(store: Store, address: str, at: int) -> flow.StartedPairing:
    enforce(store, f"pair:{address}", PAIR_REQUESTS_PER_ADDRESS, at, "pairing requests")
    return flow.start(store, at)


@operation(
    "POST", "Start pairing a watch: codes to show and to poll with (RFC 8628 device authorization)",
    body=PairStart, body_optional=True, form=True, response=PairStarted, public=True, headers=NO_STORE,
    errors=(429, 503),
)
async def pair(request: Request, body: PairStart) -> PairStarted:
    services: Services = request.app.state.services
    at = now()
    # Behind a proxy, the watch's address only when the proxy is in FORWARDED_ALLOW_IPS.
    started = await call(services.store, start, services.store, client_address(request.scope), at)
    verification_uri = str(request.base_url).rstrip("/") + VERIFICATION_PATH
    return PairStarted(
        device_code=started.device_code,
        user_code=started.user_code,
        verification_uri=verification_uri,
        verification_uri_complete=f"{verification_uri}?user_code={started.user_code}",
        expires_in=started.pairing.expires_at - at,
        interval=started.pairing.interval,
    )


@operation(
    "POST", "Poll for the paired watch's key (RFC 8628 device access token request)",
    body=TokenRequest, form=True, response=Token, public=True, headers=NO_STORE, errors=(503,),
)
async def token(request: Request, body: TokenRequest) -> Token:
    services: Services = request.app.state.services
    issued = await call(services.store, flow.poll, services.store, body.device_code, now())
    return Token(access_token=issued.secret, token_type="Bearer", scope="watch")


routes = [path("/pair", pair), path("/pair/token", token)]
