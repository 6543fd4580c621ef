"""Wearers' accounts: sign-up, verification, login sessions, password reset and change, and
what a logged-in wearer sees of themselves."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from shared.limits import (
    MAX_EMAIL,
    MAX_PASSWORD,
    MIN_PASSWORD,
    common_passwords,
)
from shared.shapes.base import Epoch, Request, Response, checked
from shared.shapes.keys import Label
from shared.shapes.users import Email, PersonName

Password = checked(
    str, "weak_password",
    {"minLength": MIN_PASSWORD, "maxLength": MAX_PASSWORD, "not": {"enum": sorted(common_passwords())}},
    "not among the most common passwords; never stored or shown",
)
#: A mailed one-time token or a session token: a key's shape, checked by the handler.
Token = Annotated[str, Meta(max_length=128)]


class Register(Request):
    email: Email
    password: Password
    name: PersonName


class Accepted(Response):
    """What was done. Sign-up and reset requests answer alike whether or not the email had an
    account: nobody learns who has one."""

    status: Annotated[str, Meta(description="`mail_sent`: look in your inbox; `verified`; `password_set`")]


class VerifyEmail(Request):
    token: Token


class Login(Request):
    email: Annotated[str, Meta(max_length=MAX_EMAIL)]
    password: Annotated[str, Meta(max_length=MAX_PASSWORD)]


class Session(Response):
    token: Annotated[str, Meta(description="a bearer token of scope `user`, shown once")]
    expires_at: Epoch


class ResetRequest(Request):
    email: Annotated[str, Meta(max_length=MAX_EMAIL)]


class ResetConfirm(Request):
    token: Token
    password: Password


class PasswordChange(Request):
    current_password: Annotated[str, Meta(max_length=MAX_PASSWORD)]
    new_password: Password


class Me(Response):
    id: str
    email: str
    name: str
    verified: bool
    created_at: Epoch
    last_login_at: Epoch | None


class MyKeyCreate(Request):
    label: Label | None = None
