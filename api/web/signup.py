"""/signup: what `POST /v1/auth/register` does, as a form. The same shape checks the fields
(`Register`) and the same `accounts.register` acts, so the rules, the mail and the answer are the
API's: one message whether or not the address already had an account, and a 403 page while
REGISTRATION=closed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.operations import operation, path
from api.requests import decode_object
from api.routes.accounts import in_pool
from api.web.page import field, form, html_page, message
from api.web.pages import HTML, LOG_IN, PAGE_ERRORS, refused
from api.web.session import csrf_token, read_form, remember_csrf
from shared import accounts
from shared.errors import CryptowatchError, Forbidden
from shared.ids import now
from shared.limits import MAX_EMAIL, MAX_NAME, MAX_PASSWORD, MIN_PASSWORD
from shared.shapes.accounts import Register

TITLE = "Create an account"
SENT = "A link to confirm your email is on its way to {email}. Open it, then log in."


def signup_form(csrf: str, note: str = "", name: str = "", email: str = "") -> str:
    fields = (
        field("name", "Your name", value=name, autocomplete="name", required="")
        + field("email", "Email", "email", email, autocomplete="email", maxlength=str(MAX_EMAIL), required="")
        + field("password", f"Password (at least {MIN_PASSWORD} characters)", "password",
                autocomplete="new-password", minlength=str(MIN_PASSWORD), maxlength=str(MAX_PASSWORD), required="")
    )
    return note + form("/signup", csrf, fields, "Sign up", extra=LOG_IN)


def closed(request: Request) -> Response | None:
    """The page that says sign-up is closed (403), while REGISTRATION=closed; else None."""
    if request.app.state.services.settings.registration == "open":
        return None
    error = Forbidden("sign-up is closed; ask the operator for an account", code="registration_closed")
    return refused(request, TITLE, message(error.message, "error") + LOG_IN, error)


@operation("GET", "Page: sign up", public=True, content=HTML, errors=(403,))
async def signup_page(request: Request) -> Response:
    return closed(request) or remember_csrf(request, html_page(TITLE, signup_form(csrf_token(request))))


@operation("POST", "Page: sign up (form)", public=True, content=HTML, errors=PAGE_ERRORS)
async def signup_submit(request: Request) -> Response:
    fields: dict[str, str] = {}
    try:
        fields = await read_form(request)
        if refusal := closed(request):
            return refusal
        body = decode_object({k: fields.get(k, "") for k in ("email", "password", "name")}, Register)
        settings = request.app.state.services.settings
        await in_pool(
            request, accounts.register, settings, email=body.email, password=body.password, name=body.name, at=now()
        )
    except CryptowatchError as error:
        again = signup_form(csrf_token(request), message(error.message, "error"),
                            fields.get("name", "")[:MAX_NAME], fields.get("email", "")[:MAX_EMAIL])
        return refused(request, TITLE, again, error)
    return remember_csrf(request, html_page(TITLE, message(SENT.format(email=body.email)) + LOG_IN))


routes = [path("/signup", signup_page, signup_submit)]
