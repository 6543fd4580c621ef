"""Abuse of wearers' accounts: password guessing, a session used after logout, another
wearer's ids, a session (token or cookie) on /admin/, forms posted without their CSRF token,
and pairing codes guessed on /activate."""

from __future__ import annotations

import httpx
import pytest

from shared.pairing.limits import ATTEMPT_WINDOW_SECONDS, USER_CODE_ATTEMPTS
from tests.accounts.conftest import PASSWORD, AccountService, bearer, csrf_of, web_login
from tests.support.clock import wait_for_fresh_minute

GUESSES = 5  # LOGIN_FAILURES_PER_MINUTE's default


def guess(client: httpx.Client, email: str, password: str = "not the password") -> httpx.Response:
    return client.post("/v1/auth/login", json={"email": email, "password": password})


def from_address(accounts: AccountService, address: str) -> httpx.Client:
    """A client whose connections come from another loopback address: another attacker."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=accounts.url, transport=transport, timeout=10)


def test_guessing_one_accounts_password_is_stopped_from_any_address(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    wait_for_fresh_minute(margin=30)

    for n in range(GUESSES):
        with from_address(accounts, f"127.0.0.{10 + n}") as attacker:
            assert guess(attacker, "ada@example.com").status_code == 401
    with from_address(accounts, "127.0.0.99") as attacker:
        blocked = guess(attacker, "ada@example.com", PASSWORD)  # even the right password

    assert blocked.status_code == 429 and blocked.json()["error"] == "rate_limited"
    assert 1 <= int(blocked.headers["retry-after"]) <= 60


def test_guessing_many_accounts_from_one_address_is_stopped(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    wait_for_fresh_minute(margin=30)

    with from_address(accounts, "127.0.0.7") as attacker:
        for n in range(GUESSES):
            assert guess(attacker, f"victim{n}@example.com").status_code == 401
        blocked = guess(attacker, "ada@example.com", PASSWORD)
    with from_address(accounts, "127.0.0.8") as someone_else:
        allowed = guess(someone_else, "ada@example.com", PASSWORD)

    assert blocked.status_code == 429 and "retry-after" in blocked.headers
    assert allowed.status_code == 200


def test_a_session_is_dead_everywhere_after_logout(accounts: AccountService) -> None:
    token = accounts.sign_up("ada@example.com")
    c = accounts.client
    assert c.post("/v1/auth/logout", headers=bearer(token)).status_code == 204

    for method, url in (("GET", "/v1/me"), ("GET", "/v1/alerts"), ("GET", "/v1/prices?symbols=BTC"),
                        ("POST", "/v1/me/keys"), ("POST", "/v1/auth/logout")):
        answer = c.request(method, url, headers=bearer(token))
        assert answer.status_code == 401 and answer.json()["error"] == "revoked_key", (method, url)


def test_a_wearer_never_reaches_another_wearers_records(accounts: AccountService) -> None:
    ada = accounts.sign_up("ada@example.com")
    eve = accounts.sign_up("eve@example.com", name="Eve")
    c = accounts.client
    ada_key = c.post("/v1/me/keys", headers=bearer(ada), json={"label": "ada's"}).json()
    alert = c.post("/v1/alerts", headers=bearer(ada), json={"symbol": "BTC", "condition": "above", "target": 1e6})
    assert alert.status_code == 201

    revoke = c.post(f"/v1/me/keys/{ada_key['id']}/revoke", headers=bearer(eve))
    cancel = c.delete(f"/v1/alerts/{alert.json()['id']}", headers=bearer(eve))

    assert revoke.status_code == 404 and revoke.json()["error"] == "key_not_found"
    assert cancel.status_code == 404
    assert c.get("/v1/me/keys", headers=bearer(eve)).json()["items"] == []
    assert c.get("/v1/alerts", headers=bearer(eve)).json()["a"] == []
    assert [a["id"] for a in c.get("/v1/alerts", headers=bearer(ada)).json()["a"]] == [alert.json()["id"]]
    assert c.get("/v1/prices?symbols=BTC", headers={"X-API-Key": ada_key["key"]}).status_code == 200


@pytest.mark.parametrize("path", ["/admin/users", "/admin/keys", "/admin/stats"])
def test_a_session_is_refused_on_admin_routes(accounts: AccountService, path: str) -> None:
    token = accounts.sign_up("ada@example.com")

    answer = accounts.client.get(path, headers=bearer(token))

    assert answer.status_code == 403 and answer.json()["error"] == "insufficient_scope"


FORMS = ["/login", "/logout", "/verify", "/reset", "/reset/confirm", "/signup", "/activate"]


@pytest.mark.parametrize("form", FORMS)
def test_every_web_form_refuses_a_post_without_its_csrf_token(accounts: AccountService, form: str) -> None:
    accounts.sign_up("ada@example.com")
    pairing = accounts.client.post("/v1/pair").json()
    with httpx.Client(base_url=accounts.url, timeout=10) as browser:
        web_login(browser)  # a live session and the CSRF cookie: only the form's token is missing
        fields = {"email": "ada@example.com", "password": PASSWORD, "name": "Ada", "token": "cw_x",
                  "user_code": pairing["user_code"], "decision": "approve"}
        forged = browser.post(form, data=fields)
        wrong = browser.post(form, data={**fields, "csrf": "A" * 43})

        assert forged.status_code == wrong.status_code == 403
        assert "came from another site" in forged.text and forged.headers["content-type"].startswith("text/html")
        assert "<form" in browser.get("/account").text  # the session outlived both
    assert accounts.poll(pairing["device_code"]).json()["error"] == "authorization_pending"


@pytest.mark.parametrize("path", ["/admin/users", "/admin/keys", "/admin/pairings/approve"])
def test_a_session_cookie_is_no_credential_on_admin_routes(accounts: AccountService, path: str) -> None:
    accounts.sign_up("ada@example.com")
    with httpx.Client(base_url=accounts.url, timeout=10) as browser:
        web_login(browser)
        cookie = browser.cookies["cw_session"]
        answers = [browser.get(path), browser.post(path, json={}),
                   browser.get(path, headers={"Authorization": f"Bearer {cookie}"})]

    assert [(a.status_code, a.json()["error"]) for a in answers] == [
        (401, "missing_key"), (401, "missing_key"), (403, "insufficient_scope")
    ]


def press(browser: httpx.Client, fields: dict[str, str]) -> httpx.Response:
    """Open /activate and send its form with these fields."""
    return browser.post("/activate", data={**fields, "csrf": csrf_of(browser.get("/activate"))})


def test_guessing_codes_on_activate_is_bounded_per_wearer_and_per_address(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    accounts.sign_up("eve@example.com", name="Eve")
    pairing = accounts.client.post("/v1/pair").json()
    right = {"user_code": pairing["user_code"], "decision": "approve"}
    guesses = [{"user_code": f"BBBB-BB{c}{c}", "decision": "approve"} for c in "CDFGHJKLMNPQRSTVWXZB"]
    wait_for_fresh_minute(margin=60, period=ATTEMPT_WINDOW_SECONDS)

    with from_address(accounts, "127.0.0.20") as ada:
        web_login(ada)
        assert [press(ada, guess).status_code for guess in guesses[:USER_CODE_ATTEMPTS]] == [404] * USER_CODE_ATTEMPTS
        blocked = press(ada, right)  # even the right code
    with from_address(accounts, "127.0.0.21") as ada_again:  # a new session, from elsewhere
        web_login(ada_again)
        ada_elsewhere = press(ada_again, right)
    with from_address(accounts, "127.0.0.20") as eve:  # another wearer, from the guesser's address
        web_login(eve, "eve@example.com")
        eve_there = press(eve, right)

    for answer in (blocked, ada_elsewhere, eve_there):
        assert answer.status_code == 429 and "at most 20 pairing codes entered" in answer.text
        assert 1 <= int(answer.headers["retry-after"]) <= ATTEMPT_WINDOW_SECONDS
    assert accounts.poll(pairing["device_code"]).json()["error"] == "authorization_pending"  # nothing got through
