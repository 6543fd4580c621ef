"""Users: what the admin API takes to create one, and what it shows (never the webhook secret,
which is write-only)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from shared.limits import EMAIL_PATTERN, MAX_EMAIL, MAX_NAME, MAX_SECRET, MIN_SECRET, PRINTABLE_NOT_BLANK
from shared.shapes.base import Epoch, Request, Response, checked, page_of

#: A person's name as the API takes it (users.valid_name): printable, not blank.
#: An email address as the API takes it (users.valid_email).
Email = checked(str, "invalid_email", {"maxLength": MAX_EMAIL, "pattern": EMAIL_PATTERN})
PersonName = checked(str, "invalid_name", {"maxLength": MAX_NAME, "pattern": PRINTABLE_NOT_BLANK})


class UserCreate(Request):
    email: Email
    name: PersonName
    webhook_secret: (
        Annotated[str, Meta(min_length=MIN_SECRET, max_length=MAX_SECRET, description="kept exactly as sent")] | None
    ) = None


class User(Response):
    id: str
    email: str
    name: str
    created_at: Epoch
    # Defaults: a server from before accounts sends none of these, and the companion still reads it.
    verified: Annotated[bool, Meta(description="the owner opened the mailed link (or reset the password)")] = False
    disabled: Annotated[bool, Meta(description="no key or session of this user works")] = False
    last_login_at: Epoch | None = None


UserPage = page_of("UserPage", User)
