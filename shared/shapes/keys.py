"""API keys: issuing one for a user, rolling one, and how a key is shown (with today's usage)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from shared.limits import DEFAULT_OVERLAP, MAX_ID, MAX_LABEL, MAX_OVERLAP, MAX_RATE_LIMIT, PRINTABLE_NOT_BLANK
from shared.models import IssuedScope, Scope
from shared.shapes.base import Epoch, FutureEpoch, Request, Response, bounded, page_of, text

#: A key's label, as every route that names one takes it: `keys list` and the companion print it,
#: so it must print (the same rule `shared.keyring.new_key` applies to every key it makes).
Label = text(
    MAX_LABEL,
    pattern=PRINTABLE_NOT_BLANK,
    rule=f"must be 1 to {MAX_LABEL} printable characters (no control characters or line breaks)",
)


class KeyCreate(Request):
    user_id: text(MAX_ID)
    scope: IssuedScope
    label: Label | None = None
    rate_limit: bounded(1, MAX_RATE_LIMIT, "requests per minute (default: RATE_LIMIT_PER_MINUTE)") | None = None
    expires_at: FutureEpoch | None = None


class KeyRoll(Request):
    overlap_seconds: (
        Annotated[int, Meta(ge=0, le=MAX_OVERLAP, extra_json_schema={"default": DEFAULT_OVERLAP},
                            description="how long the old key keeps working")]
        | None
    ) = None


class KeyView(Response):
    id: str
    prefix: str
    scope: Scope
    user_id: str | None
    label: str | None
    rate_limit: int | None
    created_at: Epoch
    expires_at: Epoch | None
    revoked_at: Epoch | None
    last_used_at: Epoch | None
    requests_today: int
    rejected_today: int
    status: Literal["active", "expired", "revoked"]


class KeyCreated(KeyView, kw_only=True):
    key: Annotated[str, Meta(description="the secret, shown once")]


class KeyRolled(KeyCreated, kw_only=True):
    old_key: KeyView


KeyViewPage = page_of("KeyViewPage", KeyView)
