"""The wearer's pages: log in and out, confirm an email, reset a password.

Every form posts back here with its CSRF token (`session.py`); a refusal is shown on the page
it came from, with the API's status and message. A mailed link opens a page with a button
rather than acting on the GET itself: mail scanners fetch links, and must not spend a token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.operations import operation, path
from api.routes.accounts import in_pool, limited_login
from api.routes.me import forget_keys_of
from api.services import Services
from api.storecall import call
from api.web.page import e, field, form, hidden, html_page, message
from api.web.session import (
    csrf_token,
    end_session,
    read_form,
    remember_csrf,
    session_of,
    start_session,
)
from shared import accounts
from shared.errors import CryptowatchError
from shared.ids import now
from shared.limits import MIN_PASSWORD

HTML = {"text/html": str}
PAGE_ERRORS = (400, 403, 404, 413, 429)
LINKS = '<p class="links"><a href="/login">Log in</a> · <a href="/reset">Forgot your password?</a></p>'
FORGOT = '<p class="links"><a href="/signup">Create an account</a> · <a href="/reset">Forgot your password?</a></p>'
LOG_IN = '<p class="links"><a href="/login">Log in</a></p>'
CSS = files("api.web").joinpath("site.css").read_bytes()


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (never `//elsewhere`)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and len(target) < 512:
        return target
    return "/account"


async def shown(request: Request, title: str, render: Callable[[str], Awaitable[str]]) -> Response:
    """The page `render` builds (given the CSRF token), or, when it raises, the same title
    with the error's message and status."""
    token = csrf_token(request)
    try:
        response = html_page(title, await render(token))
    except CryptowatchError as error:
        return refused(request, title, message(error.message, "error") + LINKS, error)
    return remember_csrf(request, response)


def refused(request: Request, title: str, body: str, error: CryptowatchError) -> Response:
    """The page that says why a form was refused, with the error's status and headers."""
    page = html_page(title, body, error.status)
    for name, value in error.headers().items():
        page.headers[name] = value
    return remember_csrf(request, page)


def login_form(csrf: str, target: str, note: str = "", email: str = "") -> str:
    fields = (
        field("email", "Email", "email", email, autocomplete="username", required="")
        + field("password", "Password", "password", autocomplete="current-password", required="")
        + hidden("next", target)
    )
    if target.startswith("/activate") and not note:
        note = message("Log in to pair your watch; you come back to its code right after.")
    return note + form("/login", csrf, fields, "Log in", extra=FORGOT)


@operation("GET", "Page: log in", public=True, content=HTML)
async def login_page(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))

    async def render(csrf: str) -> str:
        return login_form(csrf, target)

    return await shown(request, "Log in", render)


@operation("POST", "Page: log in (form)", public=True, content=HTML, status=303, errors=PAGE_ERRORS)
async def login_submit(request: Request) -> Response:
    fields: dict[str, str] = {}
    try:
        fields = await read_form(request)
        issued = await limited_login(request, fields.get("email", ""), fields.get("password", ""))
    except CryptowatchError as error:
        shown_again = login_form(
            csrf_token(request), safe_next(fields.get("next")), message(error.message, "error"), fields.get("email", "")
        )
        return refused(request, "Log in", shown_again, error)
    settings = request.app.state.services.settings
    redirect = RedirectResponse(safe_next(fields.get("next")), status_code=303)
    return start_session(request, redirect, issued.secret, settings.session_ttl_seconds)


@operation("GET", "Page: the logged-in wearer", public=True, content=HTML, status=200)
async def account_page(request: Request) -> Response:
    session = await session_of(request)
    if session is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    services: Services = request.app.state.services
    user = await call(services.store, services.store.get_user, str(session.user_id))

    async def render(csrf: str) -> str:
        who = f"<p>Logged in as <strong>{e(user.email if user else '?')}</strong>.</p>"
        return who + '<p><a href="/activate">Pair a watch</a></p>' + form("/logout", csrf, "", "Log out")

    return await shown(request, "Your account", render)


@operation("POST", "Page: log out (form)", public=True, content=HTML, status=303, errors=PAGE_ERRORS)
async def logout_submit(request: Request) -> Response:
    async def render(_: str) -> str:
        await read_form(request)
        return ""

    refused = await shown(request, "Log out", render)
    if refused.status_code != 200:
        return refused
    session = await session_of(request)
    if session is not None:
        services: Services = request.app.state.services
        await call(services.store, services.store.revoke_key, session.id, now())
        services.keys.forget(session.key_hash)
    return end_session(request, RedirectResponse("/login", status_code=303))


@operation("GET", "Page: confirm an email (the mailed link)", public=True, content=HTML)
async def verify_page(request: Request) -> Response:
    token = request.query_params.get("token", "")

    async def render(csrf: str) -> str:
        return form("/verify", csrf, hidden("token", token), "Confirm my email")

    return await shown(request, "Confirm your email", render)


@operation("POST", "Page: confirm an email (form)", public=True, content=HTML, errors=PAGE_ERRORS)
async def verify_submit(request: Request) -> Response:
    async def render(_: str) -> str:
        fields = await read_form(request)
        await in_pool(request, accounts.verify, fields.get("token", ""), now())
        return message("Your email is confirmed.") + LOG_IN

    return await shown(request, "Confirm your email", render)


@operation("GET", "Page: reset a password (ask for a link, or use one)", public=True, content=HTML)
async def reset_page(request: Request) -> Response:
    token = request.query_params.get("token")

    async def render(csrf: str) -> str:
        if token:
            fields = hidden("token", token) + field(
                "password", f"New password (at least {MIN_PASSWORD} characters)", "password",
                autocomplete="new-password", required="", minlength=str(MIN_PASSWORD),
            )
            return form("/reset/confirm", csrf, fields, "Set the new password")
        return form("/reset", csrf, field("email", "Email", "email", autocomplete="username", required=""),
                    "Mail me a link")

    return await shown(request, "Reset your password", render)


@operation("POST", "Page: ask for a reset link (form)", public=True, content=HTML, errors=PAGE_ERRORS)
async def reset_submit(request: Request) -> Response:
    async def render(_: str) -> str:
        fields = await read_form(request)
        settings = request.app.state.services.settings
        await in_pool(request, accounts.request_reset, settings, fields.get("email", ""), now())
        return message("If this address has an account, a link to reset its password is on its way.")

    return await shown(request, "Reset your password", render)


@operation("POST", "Page: set the new password (form)", public=True, content=HTML, errors=PAGE_ERRORS)
async def reset_confirm_submit(request: Request) -> Response:
    async def render(_: str) -> str:
        fields = await read_form(request)
        token, password = fields.get("token", ""), fields.get("password", "")
        user = await in_pool(request, accounts.reset_password, token, password, now())
        await forget_keys_of(request.app.state.services, user.id)
        return message("Your password is set; every session was logged out.") + LOG_IN

    return await shown(request, "Reset your password", render)


@operation("GET", "The pages' style sheet", public=True, content={"text/css": str}, cached=True)
async def stylesheet(request: Request) -> Response:
    return Response(CSS, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


routes = [
    path("/login", login_page, login_submit),
    path("/logout", logout_submit),
    path("/account", account_page),
    path("/verify", verify_page, verify_submit),
    path("/reset", reset_page, reset_submit),
    path("/reset/confirm", reset_confirm_submit),
    path("/web.css", stylesheet),
]
