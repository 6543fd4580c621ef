"""The operator's side of wearers' accounts: verified and last login shown, disable and enable,
a new verification mail."""

from __future__ import annotations

from tests.accounts.conftest import PASSWORD, AccountService, bearer


def admin(accounts: AccountService) -> dict[str, str]:
    return {"X-API-Key": accounts.admin_key}


def test_users_show_whether_verified_and_when_they_last_logged_in(accounts: AccountService) -> None:
    c = accounts.client
    c.post("/v1/auth/register", json={"email": "eve@example.com", "password": PASSWORD, "name": "Eve"})
    accounts.deliver()
    accounts.sign_up("ada@example.com")

    users = {u["email"]: u for u in c.get("/admin/users", headers=admin(accounts)).json()["items"]}

    assert users["eve@example.com"]["verified"] is False and users["eve@example.com"]["last_login_at"] is None
    assert users["ada@example.com"]["verified"] is True and users["ada@example.com"]["last_login_at"] is not None
    assert all(u["disabled"] is False and "password_hash" not in u for u in users.values())


def test_disabling_a_user_stops_their_keys_and_sessions_at_once(accounts: AccountService) -> None:
    session = accounts.sign_up("ada@example.com")
    c = accounts.client
    watch_key = c.post("/v1/me/keys", headers=bearer(session)).json()["key"]
    assert c.get("/v1/prices?symbols=BTC", headers={"X-API-Key": watch_key}).status_code == 200
    user_id = c.get("/v1/me", headers=bearer(session)).json()["id"]

    disabled = c.post(f"/admin/users/{user_id}/disable", headers=admin(accounts))

    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert c.get("/v1/prices?symbols=BTC", headers={"X-API-Key": watch_key}).status_code == 401
    assert c.get("/v1/me", headers=bearer(session)).status_code == 401
    login = c.post("/v1/auth/login", json={"email": "ada@example.com", "password": PASSWORD})
    assert login.status_code == 403 and login.json()["error"] == "account_disabled"

    assert c.post(f"/admin/users/{user_id}/enable", headers=admin(accounts)).json()["disabled"] is False
    assert accounts.log_in("ada@example.com")
    assert c.get("/v1/prices?symbols=BTC", headers={"X-API-Key": watch_key}).status_code == 401


def test_the_operator_resends_a_verification_link_that_works(accounts: AccountService) -> None:
    c = accounts.client
    c.post("/v1/auth/register", json={"email": "ada@example.com", "password": PASSWORD, "name": "Ada"})
    accounts.deliver()
    user_id = c.get("/admin/users?email=ada@example.com", headers=admin(accounts)).json()["items"][0]["id"]

    assert c.post(f"/admin/users/{user_id}/resend-verification", headers=admin(accounts)).status_code == 202
    assert c.post("/v1/auth/verify", json={"token": accounts.link_token()}).json() == {"status": "verified"}

    again = c.post(f"/admin/users/{user_id}/resend-verification", headers=admin(accounts))
    assert again.status_code == 409 and again.json()["error"] == "already_verified"
    assert c.post("/admin/users/usr_nobody/disable", headers=admin(accounts)).status_code == 404
