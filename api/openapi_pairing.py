"""OpenAPI description of device pairing (RFC 8628): the watch's two routes (no key) and the
operator's approve and deny."""

from __future__ import annotations

from api.openapi_admin import BODY_ERRORS, EPOCH, INT, STR, enum, nullable, obj, op, optional, text
from api.openapi_parts import Schema, error_responses, ref
from api.routes.admin_pairings import MAX_LABEL
from api.routes.pairing import GRANT_TYPE, MAX_DEVICE_CODE
from shared.pairing.codes import MAX_CODE_INPUT

_USER_CODE = {"type": "string", "maxLength": MAX_CODE_INPUT, "description": "as the watch shows it (XXXX-XXXX); "
              "case, dashes and spaces are ignored"}
_TOKEN_ERROR = {
    **obj({"error": enum("authorization_pending", "slow_down", "access_denied", "expired_token", "invalid_grant",
                         "unsupported_grant_type", "invalid_request"),
           "message": STR,
           "interval": {**INT, "description": "seconds to wait before the next poll (while pending)"}},
          ["error", "message"]),
}

PAIRING_SCHEMAS: dict[str, Schema] = {
    "PairRequest": obj({"client_id": STR, "scope": STR}, []),
    "PairStarted": obj({
        "device_code": {**STR, "description": "the watch's secret for polling; never shown"},
        "user_code": {**STR, "description": "XXXX-XXXX, for the watch to show"},
        "verification_uri": STR,
        "verification_uri_complete": STR,
        "expires_in": {**INT, "description": "seconds the codes stay valid"},
        "interval": {**INT, "description": "seconds to wait between polls"},
    }),
    "TokenRequest": obj({
        "grant_type": {"type": "string", "enum": [GRANT_TYPE]},
        "device_code": {"type": "string", "minLength": 1, "maxLength": MAX_DEVICE_CODE},
        "client_id": STR,
    }, ["grant_type", "device_code"]),
    "Token": obj({
        "access_token": {**STR, "description": "a new watch key (cw_...), for X-API-Key or Bearer"},
        "token_type": enum("Bearer"),
        "scope": enum("watch"),
    }),
    "TokenError": _TOKEN_ERROR,
    "PairingApprove": obj(
        {"user_code": _USER_CODE, "user_id": text(200), "label": optional(text(MAX_LABEL))}, ["user_code", "user_id"]
    ),
    "PairingDeny": obj({"user_code": _USER_CODE}),
    "PairingDecision": obj({
        "status": enum("approved", "denied"),
        "user_code": STR,
        "user_id": nullable(STR),
        "label": nullable(STR),
        "expires_at": EPOCH,
    }),
}


def _both_media(name: str, required: bool) -> Schema:
    return {"required": required, "content": {
        "application/x-www-form-urlencoded": {"schema": ref(name)}, "application/json": {"schema": ref(name)}}}


PAIRING_PATHS: dict[str, Schema] = {
    "/v1/pair": {
        "post": {
            "summary": "Start pairing a watch (RFC 8628 device authorization request; no key)",
            "security": [],
            "requestBody": _both_media("PairRequest", False),
            "responses": {"200": {"description": "Codes for the watch", "content": {
                "application/json": {"schema": ref("PairStarted")}}}, **error_responses(400, 413, 415, 429, 503)},
        }
    },
    "/v1/pair/token": {
        "post": {
            "summary": "Poll for the watch's key (RFC 8628 device access token request; no key)",
            "security": [],
            "requestBody": _both_media("TokenRequest", True),
            "responses": {
                "200": {"description": "Approved: the watch's new key, handed out once",
                        "content": {"application/json": {"schema": ref("Token")}}},
                "400": {"description": "Not (yet): authorization_pending, slow_down, access_denied, expired_token, "
                        "invalid_grant", "content": {"application/json": {"schema": ref("TokenError")}}},
                **error_responses(413, 415, 503),
            },
        }
    },
    "/admin/pairings/approve": {
        "post": op("Approve the code a watch shows; its next poll gets a key owned by user_id", 200,
                   ref("PairingDecision"), (*BODY_ERRORS, 404, 409), body=ref("PairingApprove")),
    },
    "/admin/pairings/deny": {
        "post": op("Deny the code a watch shows", 200, ref("PairingDecision"), (*BODY_ERRORS, 404, 409),
                   body=ref("PairingDeny")),
    },
}
