"""Creating users with validated input, shared by the CLI and the admin API."""

from __future__ import annotations

import re

from shared.errors import InvalidInput
from shared.ids import new_id, now
from shared.models import User
from shared.store.base import Store

# Pragmatic, not RFC 5322: one @, no spaces, a dot in the domain, sane lengths.
EMAIL = re.compile(r"^[^@\s\x00-\x1f]{1,64}@(?:[A-Za-z0-9][A-Za-z0-9-]{0,62}\.)+[A-Za-z0-9-]{2,63}$")
MAX_EMAIL = 254
MAX_NAME = 100


def valid_email(raw: object) -> str:
    if not isinstance(raw, str) or len(raw) > MAX_EMAIL or not EMAIL.match(raw.strip()):
        raise InvalidInput("email must be an address like ada@example.com", code="invalid_email")
    return raw.strip()


def valid_name(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_NAME:
        raise InvalidInput(f"name must be 1 to {MAX_NAME} characters", code="invalid_name")
    return raw.strip()


def create_user(store: Store, *, email: object, name: object, webhook_secret: str | None = None) -> User:
    """Validate and store a new user; the store raises Conflict for a taken email (any case)."""
    user = User(
        id=new_id("usr"),
        email=valid_email(email),
        name=valid_name(name),
        created_at=now(),
        webhook_secret=webhook_secret,
    )
    return store.create_user(user)
