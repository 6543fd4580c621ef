"""The web pages' own state: a session cookie and a CSRF token.

The session cookie holds a login session token (scope `user`, the same a client gets from
POST /v1/auth/login): HttpOnly, SameSite=Lax, Secure when the page is reached over HTTPS.
Only these pages read it; the API's auth reads headers alone, so the cookie is no credential on
/v1 or /admin/ and a page elsewhere cannot make the browser spend it there. Every form carries
a CSRF token that must equal the `cw_csrf` cookie (double submit; SameSite=Strict), compared in
constant time: a form posted from another site has no way to read or set it. Secure is set
when the request came over HTTPS, so a plain-HTTP loopback test still keeps its cookies."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from api.middleware.auth import authenticate
from api.requests import read_body
from api.services import Services
from shared.errors import CryptowatchError, Forbidden, InvalidInput
from shared.ids import now
from shared.models import ApiKey, Scope

SESSION_COOKIE = "cw_session"
CSRF_COOKIE = "cw_csrf"
MAX_FIELDS = 16


def secure(request: Request) -> bool:
    """Reached over HTTPS (directly, or behind a proxy in FORWARDED_ALLOW_IPS that says so)."""
    return request.url.scheme == "https"


def csrf_token(request: Request) -> str:
    """This browser's CSRF token: the cookie's, or a new one `remember_csrf` will set."""
    known = request.cookies.get(CSRF_COOKIE, "")
    if len(known) == 43 and known.replace("-", "").replace("_", "").isalnum():
        return known
    token: str = request.state.__dict__.setdefault("new_csrf", secrets.token_urlsafe(32))
    return token


def remember_csrf(request: Request, response: Response) -> Response:
    new = request.state.__dict__.get("new_csrf")
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict", secure=secure(request), path="/")
    return response


async def read_form(request: Request) -> dict[str, str]:
    """A urlencoded form (bounded like any body), its CSRF token checked: 403 without it."""
    services: Services = request.app.state.services
    raw = await read_body(request, services.settings.max_body_bytes)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), max_num_fields=MAX_FIELDS, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("this form could not be read; reload the page and try again") from None
    fields = dict(pairs)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(fields.get("csrf", "").encode(), cookie.encode()):
        raise Forbidden("this form has expired or came from another site; reload the page", code="csrf_failed")
    return fields


async def session_of(request: Request) -> ApiKey | None:
    """The logged-in session the cookie carries, or None (no cookie, expired, logged out)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        key = await authenticate(request.app.state.services, token, now())
    except CryptowatchError:
        return None
    return key if key.scope is Scope.USER and key.user_id else None


def start_session(request: Request, response: Response, token: str, max_age: int) -> Response:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure(request), path="/"
    )
    return response


def end_session(request: Request, response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure(request), path="/")
    return response
