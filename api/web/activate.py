"""/activate, where a pairing's `verification_uri` points (RFC 8628 section 3.3): the wearer,
logged in by the session cookie, confirms or types the code their watch shows, names the watch,
and approves or denies it. The watch's next poll then gets a key owned by this wearer, or
`access_denied`.

A logged-out visitor is sent to log in and brought back with the code. The decision is the
operator's own (`approve_for`, `flow.decide`), held to the same attempt limits: codes entered
per wearer (every session of theirs together), and here also per client address, so neither
fresh sessions nor fresh accounts buy more guesses."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.middleware.auth_failures import client_address
from api.operations import Param, operation, path
from api.requests import decode_object
from api.routes.admin_pairings import approve_for
from api.services import Services
from api.storecall import call
from api.web.page import e, field, form, html_page, message, submit
from api.web.pages import HTML, PAGE_ERRORS, refused
from api.web.session import csrf_token, read_form, remember_csrf, session_of
from shared.errors import CryptowatchError, InvalidInput
from shared.ids import now
from shared.limits import MAX_LABEL
from shared.models import ApiKey
from shared.pairing import flow
from shared.pairing.codes import MAX_CODE_INPUT, canonical_user_code, display_user_code
from shared.pairing.limits import USER_CODE_ATTEMPTS, enforce
from shared.pairing.model import Pairing, PairingStatus
from shared.shapes.pairing import PairingApprove
from shared.store.base import Store

TITLE = "Pair your watch"
ACCOUNT = '<p class="links"><a href="/account">Your account</a></p>'
CODE = "user_code"  # the query parameter of verification_uri_complete, as RFC 8628 names it


def shown_code(typed: str) -> str:
    """A typed code as XXXX-XXXX, or "" when it cannot be one (the form then starts empty)."""
    try:
        return display_user_code(canonical_user_code(typed))
    except InvalidInput:
        return ""


def to_login(code: str) -> RedirectResponse:
    back = f"/activate?{CODE}={code}" if code else "/activate"
    return RedirectResponse(f"/login?next={quote(back, safe='')}", status_code=303)


def activate_form(csrf: str, code: str, label: str = "", note: str = "") -> str:
    fields = field(
        CODE, "The code your watch shows", value=code, required="", maxlength=str(MAX_CODE_INPUT),
        autocomplete="off", autocapitalize="characters", spellcheck="false", placeholder="BCDF-GHJK",
        **{"class": "code"},
    ) + field("label", "Name this watch (optional)", value=label, maxlength=str(MAX_LABEL), placeholder="wrist")
    buttons = submit("Approve", "decision", "approve") + submit("Deny", "decision", "deny", "secondary")
    intro = "<p>Approve only a code you see on your own watch: the watch gets a key to your account.</p>"
    return note + intro + form("/activate", csrf, fields, buttons=buttons)


def decide(store: Store, user_id: str, fields: dict[str, str], address: str, at: int) -> Pairing:
    """The wearer's approval or denial, through the operator's code path."""
    choice = fields.get("decision")
    if choice not in ("approve", "deny"):
        raise InvalidInput("press Approve or Deny", code="invalid_decision")
    typed = fields.get(CODE, "")
    canonical_user_code(typed)  # a typo is not counted as an attempt, as for the operator
    enforce(store, f"codes-from:{address}", USER_CODE_ATTEMPTS, at, "pairing codes entered from your address")
    actor = f"user:{user_id}"
    if choice == "deny":
        return flow.decide(store, typed, PairingStatus.DENIED, at, actor=actor)
    label = fields.get("label", "").strip() or None
    body = decode_object({CODE: typed, "user_id": user_id, "label": label}, PairingApprove)
    return approve_for(store, body, actor, at)


def outcome(pairing: Pairing, code: str) -> str:
    """What was done, the code kept on one line (a phone would break it at its dash)."""
    shown = f'<span class="nowrap">{e(code)}</span>'
    if pairing.status is PairingStatus.DENIED:
        return f'<p class="notice" role="status">Denied: the watch showing {shown} gets no key.</p>' + ACCOUNT
    named = f" as “{e(pairing.label)}”" if pairing.label else ""
    return (
        f'<p class="notice" role="status">Approved: the watch showing {shown} is paired to your account{named}.</p>'
        "<p>It shows prices at its next poll, within a few seconds.</p>"
        '<p class="links"><a href="/activate">Pair another watch</a> · <a href="/account">Your account</a></p>'
    )


@operation(
    "GET", "Page: approve or deny the code a watch shows (RFC 8628 verification_uri)", public=True,
    content=HTML, status=200, params=(Param(CODE, description="the code the watch shows, to prefill"),),
)
async def activate_page(request: Request) -> Response:
    code = shown_code(request.query_params.get(CODE, ""))
    if await session_of(request) is None:
        return to_login(code)
    return remember_csrf(request, html_page(TITLE, activate_form(csrf_token(request), code)))


@operation("POST", "Page: approve or deny a watch's code (form)", public=True, content=HTML,
           errors=(*PAGE_ERRORS, 409))
async def activate_submit(request: Request) -> Response:
    fields: dict[str, str] = {}
    try:
        fields = await read_form(request)
        session = await session_of(request)
        if session is None:
            return to_login(shown_code(fields.get(CODE, "")))
        decided = await decided_by(request, session, fields)
    except CryptowatchError as error:
        again = activate_form(
            csrf_token(request), fields.get(CODE, "")[:MAX_CODE_INPUT], fields.get("label", "")[:MAX_LABEL],
            message(error.message, "error"),
        )
        return refused(request, TITLE, again, error)
    return remember_csrf(request, html_page(TITLE, outcome(decided, shown_code(fields[CODE]))))


async def decided_by(request: Request, session: ApiKey, fields: dict[str, str]) -> Pairing:
    services: Services = request.app.state.services
    store, address = services.store, client_address(request.scope)
    return await call(store, decide, store, str(session.user_id), fields, address, now())


routes = [path("/activate", activate_page, activate_submit)]
