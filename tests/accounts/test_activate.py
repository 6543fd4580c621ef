"""/activate over plain HTTP, as a browser's forms send it: a wearer approves or denies the code
a watch shows, and the watch's next poll says so; wrong, expired and spent codes are refused on
the page; a logged-out visitor comes back to the code after logging in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from shared.ids import now
from shared.keys import hash_key
from shared.models import Scope
from shared.pairing import flow
from shared.pairing.flow import LIFETIME_SECONDS
from tests.accounts.conftest import AccountService, csrf_of, web_login


@pytest.fixture
def browser(accounts: AccountService) -> Iterator[httpx.Client]:
    """A logged-in wearer's browser (a cookie jar): Ada, verified."""
    accounts.sign_up("ada@example.com")
    with httpx.Client(base_url=accounts.url, timeout=10) as client:
        assert web_login(client).status_code == 303
        yield client


def start_pairing(accounts: AccountService) -> dict[str, Any]:
    started = accounts.client.post("/v1/pair", data={"client_id": "test-watch"})
    assert started.status_code == 200, started.text
    return dict(started.json())


def decide(browser: httpx.Client, code: str, decision: str, **extra: str) -> httpx.Response:
    """Open /activate and press a button, as the page's form does."""
    token = csrf_of(browser.get("/activate"))
    return browser.post("/activate", data={"csrf": token, "user_code": code, "decision": decision, **extra})


def test_the_code_from_verification_uri_complete_is_prefilled(accounts: AccountService, browser: httpx.Client) -> None:
    started = start_pairing(accounts)

    page = browser.get(started["verification_uri_complete"].removeprefix(accounts.url))

    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert f'name="user_code" type="text" value="{started["user_code"]}"' in page.text
    assert 'value="approve"' in page.text and 'value="deny"' in page.text


def test_approving_gives_the_watch_a_key_owned_by_the_wearer(accounts: AccountService, browser: httpx.Client) -> None:
    started = start_pairing(accounts)
    typed = started["user_code"].lower().replace("-", " ")  # case, dash and spaces do not matter

    answer = decide(browser, typed, "approve", label="wrist")

    assert answer.status_code == 200, answer.text
    code = started["user_code"]
    assert f'showing <span class="nowrap">{code}</span> is paired to your account as “wrist”' in answer.text
    token = accounts.poll(started["device_code"])
    assert token.status_code == 200, token.text
    key = accounts.store.find_key_by_hash(hash_key(token.json()["access_token"]))
    ada = accounts.store.get_user_by_email("ada@example.com")
    assert key is not None and ada is not None
    assert (key.scope, key.user_id, key.label) == (Scope.WATCH, ada.id, "wrist")
    prices = accounts.client.get("/v1/prices?symbols=BTC", headers={"X-API-Key": token.json()["access_token"]})
    assert prices.status_code == 200


def test_denying_tells_the_watch_access_denied(accounts: AccountService, browser: httpx.Client) -> None:
    started = start_pairing(accounts)

    answer = decide(browser, started["user_code"], "deny")

    assert answer.status_code == 200 and "gets no key" in answer.text
    refused = accounts.poll(started["device_code"])
    assert refused.status_code == 400 and refused.json()["error"] == "access_denied"


def test_wrong_spent_and_expired_codes_are_refused_on_the_page(
    accounts: AccountService, browser: httpx.Client
) -> None:
    spent = start_pairing(accounts)
    assert decide(browser, spent["user_code"], "approve").status_code == 200
    expired = flow.start(accounts.store, now() - LIFETIME_SECONDS - 5)

    cases = {
        "BBBB-BBBB": (404, "no pairing waits for the code BBBB-BBBB"),
        "HELLO": (400, "a pairing code is 8 letters"),
        spent["user_code"]: (409, f"the code {spent['user_code']} has already been decided"),
        expired.user_code: (400, f"the code {expired.user_code} has expired"),
    }
    for code, (status, text) in cases.items():
        answer = decide(browser, code, "approve")
        assert answer.status_code == status and text in answer.text, (code, answer.status_code, answer.text)
        assert 'role="alert"' in answer.text and 'name="user_code"' in answer.text  # the form, to try again


def test_a_form_without_its_csrf_token_decides_nothing(accounts: AccountService, browser: httpx.Client) -> None:
    started = start_pairing(accounts)

    forged = browser.post("/activate", data={"user_code": started["user_code"], "decision": "approve"})

    assert forged.status_code == 403 and "came from another site" in forged.text
    assert accounts.poll(started["device_code"]).json()["error"] == "authorization_pending"


def test_a_logged_out_wearer_logs_in_and_comes_back_to_the_code(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    started = start_pairing(accounts)
    back = f"/activate?user_code={started['user_code']}"
    with httpx.Client(base_url=accounts.url, timeout=10) as client:
        sent = client.get(started["verification_uri_complete"].removeprefix(accounts.url))
        assert sent.status_code == 303 and sent.headers["location"] == f"/login?next={quote(back, safe='')}"
        login_page = client.get(sent.headers["location"])
        assert f'name="next" value="{back}"' in login_page.text and "Log in to pair your watch" in login_page.text

        logged_in = web_login(client, target=back)

        assert logged_in.status_code == 303 and logged_in.headers["location"] == back
        assert f'value="{started["user_code"]}"' in client.get(back).text


def test_a_logged_out_form_is_sent_to_log_in_and_decides_nothing(accounts: AccountService) -> None:
    started = start_pairing(accounts)
    with httpx.Client(base_url=accounts.url, timeout=10) as client:
        token = csrf_of(client.get("/login"))
        fields = {"csrf": token, "user_code": started["user_code"], "decision": "approve"}
        answer = client.post("/activate", data=fields)

    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=%2Factivate")
    assert accounts.poll(started["device_code"]).json()["error"] == "authorization_pending"
