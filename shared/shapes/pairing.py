"""Pairing a watch (RFC 8628): what the watch sends and gets, and the operator's decision.

The watch's bodies come form-encoded (as OAuth clients send them) or as JSON. `client_id` and
`scope` are the OAuth fields a generic device-flow client sends; they are accepted and unused."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from msgspec import Meta

from shared.limits import MAX_ID
from shared.pairing.codes import MAX_CODE_INPUT, USER_CODE_ALPHABET, USER_CODE_LENGTH, USER_CODE_PATTERN
from shared.shapes.base import Epoch, Request, Response, text
from shared.shapes.keys import Label

GrantType = Literal["urn:ietf:params:oauth:grant-type:device_code"]
GRANT_TYPE: str = get_args(GrantType)[0]
MAX_DEVICE_CODE = 128
MAX_OAUTH_FIELD = 200

OAuthField = Annotated[str, Meta(max_length=MAX_OAUTH_FIELD, description="accepted, unused")]
UserCode = Annotated[
    str,
    Meta(max_length=MAX_CODE_INPUT, pattern=USER_CODE_PATTERN,
         extra={"code": "invalid_user_code", "rule": f"must be the {USER_CODE_LENGTH} letters the watch shows "
                f"(XXXX-XXXX, from {USER_CODE_ALPHABET})"},
         description="as the watch shows it (XXXX-XXXX); case, dashes and spaces are ignored"),
]


class PairStart(Request):
    client_id: OAuthField | None = None
    scope: OAuthField | None = None


class PairStarted(Response):
    device_code: Annotated[str, Meta(description="the watch's secret for polling; never shown")]
    user_code: Annotated[str, Meta(description="XXXX-XXXX, for the watch to show")]
    verification_uri: str
    verification_uri_complete: str
    expires_in: Annotated[int, Meta(description="seconds the codes stay valid")]
    interval: Annotated[int, Meta(description="seconds to wait between polls")]


class TokenRequest(Request):
    grant_type: Annotated[GrantType, Meta(extra={"code": "unsupported_grant_type"})]
    device_code: Annotated[str, Meta(min_length=1, max_length=MAX_DEVICE_CODE, description="from /v1/pair")]
    client_id: OAuthField | None = None


class Token(Response):
    access_token: Annotated[str, Meta(description="a new watch key (cw_...), for X-API-Key or Bearer; given once")]
    token_type: Literal["Bearer"]
    scope: Literal["watch"]


class PairingApprove(Request):
    user_code: UserCode
    user_id: text(MAX_ID)
    label: Label | None = None


class PairingDeny(Request):
    user_code: UserCode


class PairingDecision(Response):
    status: Literal["approved", "denied"]
    user_code: Annotated[str, Meta(description="XXXX-XXXX")]
    user_id: str | None
    label: str | None
    expires_at: Epoch
