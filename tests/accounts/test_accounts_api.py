"""Sign-up, verification, login, logout, reset and change of password, as a wearer's client
sees them over HTTP, with the mail read from a real SMTP server."""

from __future__ import annotations

from dataclasses import replace

import httpx

from api.app import create_app
from shared.models import Scope
from tests.accounts.conftest import PASSWORD, TOKEN, AccountService, bearer
from tests.support.server import serve


def test_sign_up_mails_a_link_that_verifies_and_then_login_gives_a_session(accounts: AccountService) -> None:
    c = accounts.client
    answer = c.post("/v1/auth/register", json={"email": "Ada@Example.com", "password": PASSWORD, "name": "Ada"})
    assert answer.status_code == 202 and answer.json() == {"status": "mail_sent"}

    unverified = c.post("/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert unverified.status_code == 403 and unverified.json()["error"] == "email_unverified"

    (mail,) = accounts.deliver()
    assert mail[0] == "Ada@Example.com" and "https://watch.example.test/verify?token=cw_" in mail[2]
    token = TOKEN.search(mail[2])[1]  # type: ignore[index]
    assert c.post("/v1/auth/verify", json={"token": token}).json() == {"status": "verified"}
    again = c.post("/v1/auth/verify", json={"token": token})
    assert again.status_code == 404 and again.json()["error"] == "invalid_token"

    session = c.post("/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert session.status_code == 200
    assert session.headers["cache-control"] == "no-store"
    me = c.get("/v1/me", headers=bearer(session.json()["token"])).json()
    assert me["email"] == "Ada@Example.com" and me["verified"] is True and me["last_login_at"] is not None
    assert "password" not in str(me)


def test_a_taken_email_answers_alike_and_mails_the_owner(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")

    answer = accounts.client.post(
        "/v1/auth/register", json={"email": "ADA@example.com", "password": "another good phrase", "name": "Eve"}
    )

    assert answer.status_code == 202 and answer.json() == {"status": "mail_sent"}
    ((to, subject, body),) = accounts.deliver()
    assert to == "ada@example.com" and "already has an account" in body and "token=" not in body
    assert accounts.log_in("ada@example.com")  # the old password still holds


def test_wrong_password_and_unknown_email_are_one_answer(accounts: AccountService) -> None:
    accounts.sign_up("ada@example.com")
    c = accounts.client

    wrong = c.post("/v1/auth/login", json={"email": "ada@example.com", "password": "not the password"})
    unknown = c.post("/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json() == {"error": "invalid_credentials", "message": "the email or the password is wrong"}


def test_weak_passwords_are_refused(accounts: AccountService) -> None:
    c = accounts.client
    for weak in ("short", "password123"):
        answer = c.post("/v1/auth/register", json={"email": "ada@example.com", "password": weak, "name": "Ada"})
        assert answer.status_code == 400 and answer.json()["error"] == "weak_password"
    assert accounts.deliver() == []


def test_logout_ends_the_session_at_once(accounts: AccountService) -> None:
    token = accounts.sign_up("ada@example.com")
    assert accounts.client.get("/v1/me", headers=bearer(token)).status_code == 200

    assert accounts.client.post("/v1/auth/logout", headers=bearer(token)).status_code == 204

    after = accounts.client.get("/v1/me", headers=bearer(token))
    assert after.status_code == 401 and after.json()["error"] == "revoked_key"


def test_a_reset_sets_the_password_and_ends_every_session(accounts: AccountService) -> None:
    old_session = accounts.sign_up("ada@example.com")
    c = accounts.client

    assert c.post("/v1/auth/reset", json={"email": "nobody@example.com"}).json() == {"status": "mail_sent"}
    assert accounts.deliver() == []
    assert c.post("/v1/auth/reset", json={"email": "ada@example.com"}).status_code == 202
    token = accounts.link_token()

    weak = c.post("/v1/auth/reset/confirm", json={"token": token, "password": "1234567890"})
    assert weak.status_code == 400 and weak.json()["error"] == "weak_password"
    done = c.post("/v1/auth/reset/confirm", json={"token": token, "password": "a brand new phrase"})
    assert done.json() == {"status": "password_set"}

    assert c.get("/v1/me", headers=bearer(old_session)).status_code == 401
    assert c.post("/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD}).status_code == 401
    assert accounts.log_in("ada@example.com", "a brand new phrase")
    reused = c.post("/v1/auth/reset/confirm", json={"token": token, "password": "yet another phrase"})
    assert reused.status_code == 404 and reused.json()["error"] == "invalid_token"


def test_changing_the_password_needs_the_current_one_and_ends_sessions(accounts: AccountService) -> None:
    session = accounts.sign_up("ada@example.com")
    other = accounts.log_in("ada@example.com")
    c = accounts.client

    wrong = c.post("/v1/me/password", headers=bearer(session),
                   json={"current_password": "not it at all", "new_password": "a brand new phrase"})
    assert wrong.status_code == 401
    changed = c.post("/v1/me/password", headers=bearer(session),
                     json={"current_password": PASSWORD, "new_password": "a brand new phrase"})
    assert changed.json() == {"status": "password_set"}

    assert c.get("/v1/me", headers=bearer(other)).status_code == 401
    assert c.get("/v1/me", headers=bearer(session)).status_code == 401
    assert accounts.log_in("ada@example.com", "a brand new phrase")


def test_a_wearer_manages_their_own_watch_keys_and_the_key_gets_prices(accounts: AccountService) -> None:
    session = accounts.sign_up("ada@example.com")
    c = accounts.client

    made = c.post("/v1/me/keys", headers=bearer(session), json={"label": "wrist"})
    assert made.status_code == 201 and made.json()["scope"] == Scope.WATCH
    watch_key = made.json()["key"]
    listed = c.get("/v1/me/keys", headers=bearer(session)).json()["items"]
    assert [k["label"] for k in listed] == ["wrist"]  # the sessions are not watch keys
    assert c.get("/v1/prices?symbols=BTC", headers={"X-API-Key": watch_key}).status_code == 200

    revoked = c.post(f"/v1/me/keys/{made.json()['id']}/revoke", headers=bearer(session))
    assert revoked.json()["status"] == "revoked"
    assert c.get("/v1/prices?symbols=BTC", headers={"X-API-Key": watch_key}).status_code == 401


def test_a_session_manages_its_own_portfolio_and_never_another_users(accounts: AccountService) -> None:
    ada, bob = accounts.sign_up("ada@example.com"), accounts.sign_up("bob@example.com", name="Bob")
    c = accounts.client

    added = c.post("/v1/portfolio/assets", headers=bearer(ada), json={"symbol": "BTC", "kind": "crypto",
                                                                      "quantity": "0.5"})
    assert added.status_code == 201, added.text
    assert [a["symbol"] for a in c.get("/v1/portfolio/assets", headers=bearer(ada)).json()["items"]] == ["BTC"]
    assert c.get("/v1/portfolio?vs=usd", headers=bearer(ada)).json()["v"] > 0

    assert c.get("/v1/portfolio/assets", headers=bearer(bob)).json() == {"items": []}
    stranger = c.delete(f"/v1/portfolio/assets/{added.json()['id']}", headers=bearer(bob))
    assert (stranger.status_code, stranger.json()["error"]) == (404, "asset_not_found")


def test_a_watch_key_is_no_session(accounts: AccountService) -> None:
    session = accounts.sign_up("ada@example.com")
    watch_key = accounts.client.post("/v1/me/keys", headers=bearer(session)).json()["key"]

    answer = accounts.client.get("/v1/me", headers={"X-API-Key": watch_key})

    assert answer.status_code == 403 and answer.json()["error"] == "insufficient_scope"


def test_a_mailed_token_is_no_credential(accounts: AccountService) -> None:
    accounts.client.post("/v1/auth/register", json={"email": "ada@example.com", "password": PASSWORD, "name": "Ada"})
    token = accounts.link_token()

    answer = accounts.client.get("/v1/prices?symbols=BTC", headers=bearer(token))

    assert answer.status_code == 401 and answer.json()["error"] == "unknown_key"


def test_closed_registration_refuses_sign_up(accounts: AccountService) -> None:
    closed = replace(accounts.settings, registration="closed")
    with serve(create_app(closed, accounts.store)) as server:
        body = {"email": "a@example.com", "password": PASSWORD, "name": "A"}
        answer = httpx.post(f"{server.url}/v1/auth/register", json=body)

    assert answer.status_code == 403 and answer.json()["error"] == "registration_closed"
    assert accounts.store.get_user_by_email("a@example.com") is None
