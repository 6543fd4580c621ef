"""Abuse of wearers' accounts: password guessing, a session used after logout, another
wearer's ids, a session on /admin/."""

from __future__ import annotations

import httpx
import pytest

from tests.accounts.conftest import PASSWORD, AccountService, bearer
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
