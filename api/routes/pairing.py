"""The watch's side of pairing (RFC 8628): no key needed.

`POST /v1/pair` is the device authorization endpoint (section 3.1-3.2) and `POST /v1/pair/token`
the token endpoint (section 3.4-3.5). Both take the form-encoded body OAuth clients send, or the
same fields as JSON; fields OAuth defines that we do not use (`client_id`, `scope`) are accepted
and ignored, as RFC 6749 asks. Token refusals are 400 `{"error", "message"}` with the RFC's
codes, plus `interval` while the watch should keep polling."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.requests import read_body
from api.responses import JSONBody
from api.services import Services
from api.storecall import call
from shared.errors import InvalidInput, UnsupportedMediaType
from shared.ids import now
from shared.pairing import flow
from shared.pairing.flow import DeviceFlowError
from shared.pairing.limits import PAIR_REQUESTS_PER_ADDRESS, enforce
from shared.store.base import Store

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
VERIFICATION_PATH = "/activate"
MAX_DEVICE_CODE = 128
#: RFC 6749 section 5.1: token responses are never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def read_fields(request: Request, limit: int) -> dict[str, Any]:
    """The body's fields, form-encoded (as OAuth clients send them) or JSON; empty is none."""
    raw = await read_body(request, limit)
    if not raw.strip():
        return {}
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput("the form body is not valid", code="invalid_request") from None
    if media == "application/json":
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise InvalidInput("the body is not valid JSON", code="invalid_request") from None
        if isinstance(data, dict):
            return data
        raise InvalidInput("the body must be a JSON object", code="invalid_request")
    raise UnsupportedMediaType("send application/x-www-form-urlencoded or application/json")


def client_address(request: Request) -> str:
    """The address the limit is kept for: the peer as uvicorn reports it (behind a proxy, run
    uvicorn with --forwarded-allow-ips so that this is the watch's, not the proxy's)."""
    return request.client.host if request.client else "unknown"


def start(store: Store, address: str, at: int) -> flow.StartedPairing:
    enforce(store, f"pair:{address}", PAIR_REQUESTS_PER_ADDRESS, at, "pairing requests")
    return flow.start(store, at)


async def pair(request: Request) -> Response:
    services: Services = request.app.state.services
    await read_fields(request, services.settings.max_body_bytes)  # client_id, scope: accepted, unused
    at = now()
    started = await call(services.store, start, services.store, client_address(request), at)
    verification_uri = str(request.base_url).rstrip("/") + VERIFICATION_PATH
    body = {
        "device_code": started.device_code,
        "user_code": started.user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": f"{verification_uri}?user_code={started.user_code}",
        "expires_in": started.pairing.expires_at - at,
        "interval": started.pairing.interval,
    }
    return JSONBody(body, headers=NO_STORE)


async def token(request: Request) -> Response:
    services: Services = request.app.state.services
    fields = await read_fields(request, services.settings.max_body_bytes)
    grant_type, device_code = fields.get("grant_type"), fields.get("device_code")
    if grant_type != GRANT_TYPE:
        raise DeviceFlowError("unsupported_grant_type", f"grant_type must be {GRANT_TYPE}")
    if not isinstance(device_code, str) or not 0 < len(device_code) <= MAX_DEVICE_CODE:
        raise DeviceFlowError("invalid_request", "device_code is required: the one /v1/pair gave")
    issued = await call(services.store, flow.poll, services.store, device_code, now())
    body = {"access_token": issued.secret, "token_type": "Bearer", "scope": issued.record.scope.value}
    return JSONBody(body, headers=NO_STORE)


routes = [
    Route("/v1/pair", pair, methods=["POST"]),
    Route("/v1/pair/token", token, methods=["POST"]),
]
