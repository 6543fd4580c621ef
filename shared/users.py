"""Creating users with validated input, shared by the CLI and the admin API."""

from __future__ import annotations

import re

from shared.errors import InvalidInput
from shared.ids import new_id, now
from shared.limits import EMAIL_PATTERN, MAX_EMAIL, MAX_NAME, SPACE
from shared.models import User
from shared.store.base import Store
from shared.text import unprintable

#: The document's pattern itself (`shared.shapes.users.Email`), so the two cannot drift apart.
EMAIL = re.compile(EMAIL_PATTERN)


def valid_email(raw: object) -> str:
    """`raw` when it is an address as the document declares one, exactly as sent: surrounding
    white space is refused, as the pattern refuses it, rather than trimmed away."""
    if not isinstance(raw, str) or len(raw) > MAX_EMAIL or EMAIL.fullmatch(raw) is None:
        raise InvalidInput("email must be an address like ada@example.com", code="invalid_email")
    return raw


def valid_name(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip(SPACE) or len(raw) > MAX_NAME:
        raise InvalidInput(f"name must be 1 to {MAX_NAME} characters", code="invalid_name")
    if unprintable(raw):  # a name is shown in terminals, logs and mail
        raise InvalidInput("name must not contain control characters or line breaks", code="invalid_name")
    return raw.strip(SPACE)


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
