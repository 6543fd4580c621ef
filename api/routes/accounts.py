"""/v1/auth: sign up, verify the email, log in, ask for and confirm a password reset. These need
no key (a wearer has none yet); logout and everything after login is in `api/routes/me.py`.

Password hashing costs tens of milliseconds of CPU, so these run in the thread pool whatever
the store. Failed logins are limited per client address and per account, in each worker's
memory like the key failures (`api/middleware/auth_failures.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from starlette.applications import Starlette
from starlette.requests import Request

from api.middleware.auth_failures import FailureLimiter, client_address
from api.operations import operation, path
from api.routes.me import forget_keys_of
from api.services import Services, per_app
from api.storecall import slow_call
from shared import accounts
from shared.errors import Unauthorized
from shared.ids import now
from shared.keyring import IssuedKey
from shared.shapes.accounts import Accepted, Login, Register, ResetConfirm, ResetRequest, Session, VerifyEmail

T = TypeVar("T")
NO_STORE = {"Cache-Control": "no-store"}


def login_limits(app: Starlette, per_minute: int) -> tuple[FailureLimiter, FailureLimiter]:
    """(per address, per account) failed-login limiters of this app."""
    return per_app(app, "login_failures", lambda: (
        FailureLimiter(per_minute, what="failed logins from your address"),
        FailureLimiter(per_minute, what="failed logins to this account"),
    ))


async def in_pool(request: Request, work: Callable[..., T], *args: object, **kwargs: object) -> T:
    services: Services = request.app.state.services
    return await slow_call(work, services.store, *args, **kwargs)


@operation(
    "POST", "Sign up: an unverified account, and a mail with the link that verifies it",
    body=Register, response=Accepted, status=202, errors=(403,), public=True,
)
async def register(request: Request, body: Register) -> Accepted:
    settings = request.app.state.services.settings
    await in_pool(
        request, accounts.register, settings, email=body.email, password=body.password, name=body.name, at=now()
    )
    return Accepted(status="mail_sent")


@operation(
    "POST", "Verify an email with the token mailed at sign-up", body=VerifyEmail, response=Accepted,
    errors=(404,), public=True,
)
async def verify(request: Request, body: VerifyEmail) -> Accepted:
    await in_pool(request, accounts.verify, body.token, now())
    return Accepted(status="verified")


@operation(
    "POST", "Log in: a session token of scope user", body=Login, response=Session,
    errors=(401, 403, 429), headers=NO_STORE, public=True,
)
async def login(request: Request, body: Login) -> Session:
    issued = await limited_login(request, body.email, body.password)
    return Session(token=issued.secret, expires_at=issued.record.expires_at or 0)


async def limited_login(request: Request, email: str, password: str) -> IssuedKey:
    """A session for the right password, unless this address or this account has failed too
    often this minute (429, even for the right password). The API and the web page share it."""
    settings = request.app.state.services.settings
    at, address, account = now(), client_address(request.scope), email.strip().lower()
    by_address, by_account = login_limits(request.app, settings.login_failures_per_minute)
    for limiter, who in ((by_address, address), (by_account, account)):
        blocked = limiter.blocked(who, at)
        if blocked is not None:
            raise blocked
    try:
        return await in_pool(request, accounts.login, settings, email=email, password=password, at=at)
    except Unauthorized:
        by_address.refused(address, at)
        by_account.refused(account, at)
        raise


@operation(
    "POST", "Ask for a password-reset mail (answered alike for any email)",
    body=ResetRequest, response=Accepted, status=202, public=True,
)
async def reset_request(request: Request, body: ResetRequest) -> Accepted:
    settings = request.app.state.services.settings
    await in_pool(request, accounts.request_reset, settings, body.email, now())
    return Accepted(status="mail_sent")


@operation(
    "POST", "Set a new password with the mailed token; every session ends",
    body=ResetConfirm, response=Accepted, errors=(404,), public=True,
)
async def reset_confirm(request: Request, body: ResetConfirm) -> Accepted:
    user = await in_pool(request, accounts.reset_password, body.token, body.password, now())
    await forget_keys_of(request.app.state.services, user.id)
    return Accepted(status="password_set")


routes = [
    path("/auth/register", register),
    path("/auth/verify", verify),
    path("/auth/login", login),
    path("/auth/reset", reset_request),
    path("/auth/reset/confirm", reset_confirm),
]
