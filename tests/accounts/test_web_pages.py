"""The web pages over plain HTTP: cookie attributes, CSRF, and what the session cookie is not."""

from __future__ import annotations

import httpx

from tests.accounts.conftest import PASSWORD, AccountService, csrf_of, web_login


def test_logging_in_sets_a_guarded_session_cookie_and_shows_the_account(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    with httpx.Client(base_url=accounts.url) as browser:
        answer = web_login(browser)

        assert answer.status_code == 303 and answer.headers["location"] == "/account"
        cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith("cw_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain HTTP here
        account = browser.get("/account")
        assert "Logged in as <strong>ada@example.com</strong>" in account.text
        assert account.headers["content-security-policy"].startswith("default-src 'none'")


def test_a_form_without_its_csrf_token_is_refused(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    with httpx.Client(base_url=accounts.url) as browser:
        browser.get("/login")  # the CSRF cookie is set; the attacker's form lacks the field
        forged = browser.post("/login", data={"email": "ada@example.com", "password": PASSWORD})
        wrong = browser.post("/login", data={"csrf": "x" * 43, "email": "ada@example.com", "password": PASSWORD})

    assert forged.status_code == wrong.status_code == 403
    assert "came from another site" in forged.text and "cw_session" not in forged.headers.get("set-cookie", "")


def test_logging_out_with_a_forged_form_keeps_the_session_and_a_real_one_ends_it(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    with httpx.Client(base_url=accounts.url) as browser:
        web_login(browser)
        assert browser.post("/logout", data={}).status_code == 403
        assert browser.get("/account").status_code == 200

        logout = browser.post("/logout", data={"csrf": csrf_of(browser.get("/account"))})
        assert logout.status_code == 303
        assert browser.get("/account").status_code == 303  # back to the login page


def test_the_session_cookie_opens_nothing_on_the_api(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    with httpx.Client(base_url=accounts.url) as browser:
        web_login(browser)
        admin = browser.get("/admin/users")
        me = browser.get("/v1/me")

    assert admin.status_code == 401 and admin.json()["error"] == "missing_key"
    assert me.status_code == 401 and me.json()["error"] == "missing_key"


def test_login_never_sends_the_browser_elsewhere(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    with httpx.Client(base_url=accounts.url) as browser:
        token = csrf_of(browser.get("/login"))
        answer = browser.post("/login", data={"csrf": token, "email": "ada@example.com", "password": PASSWORD,
                                              "next": "//evil.example/steal"})

    assert answer.headers["location"] == "/account"


def test_behind_https_the_cookies_are_secure(accounts: AccountService) -> None:
    with httpx.Client(base_url=accounts.url, headers={"X-Forwarded-Proto": "https"}) as browser:
        page = browser.get("/login")  # from 127.0.0.1, a proxy uvicorn trusts by default

    assert "Secure" in page.headers["set-cookie"] and "SameSite=strict" in page.headers["set-cookie"]
