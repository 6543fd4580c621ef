"""/signup, the web form of POST /v1/auth/register: the same rules, the same answer whether or
not the address had an account, a closed page while REGISTRATION=closed, and no sign-up
without the form's CSRF token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from api.app import create_app
from shared.config import Settings
from shared.store.base import Store
from tests.accounts.conftest import PASSWORD, AccountService, csrf_of
from tests.support.server import serve

SENT = "A link to confirm your email is on its way to ada@example.com"


def sign_up(client: httpx.Client, email: str = "ada@example.com", password: str = PASSWORD) -> httpx.Response:
    token = csrf_of(client.get("/signup"))
    return client.post("/signup", data={"csrf": token, "name": "Ada", "email": email, "password": password})


def test_the_login_page_links_to_sign_up(accounts: AccountService) -> None:
    assert '<a href="/signup">Create an account</a>' in accounts.client.get("/login").text


def test_signing_up_mails_the_link_and_a_taken_address_gets_the_same_page(accounts: AccountService) -> None:
    with httpx.Client(base_url=accounts.url, timeout=10) as client:
        first = sign_up(client)
        mailed = accounts.deliver()
        again = sign_up(client)
        noted = accounts.deliver()

    assert first.status_code == again.status_code == 200
    assert SENT in first.text and first.text == again.text  # nobody learns the address had an account
    assert [(to, subject) for to, subject, _ in mailed] == [("ada@example.com", "Confirm your email")]
    assert [(to, subject) for to, subject, _ in noted] == [("ada@example.com", "Someone tried to sign up as you")]


@pytest.mark.parametrize(("email", "password", "says"), [
    ("ada@example.com", "short", "password must be 10 to 256 characters"),
    ("ada@example.com", "password123", "among the most common"),
    ("not an address", PASSWORD, "email"),
])
def test_the_apis_rules_refuse_on_the_form(accounts: AccountService, email: str, password: str, says: str) -> None:
    with httpx.Client(base_url=accounts.url, timeout=10) as client:
        answer = sign_up(client, email, password)

    assert answer.status_code == 400 and says in answer.text and 'role="alert"' in answer.text
    assert f'value="{email}"' in answer.text and password not in answer.text  # the password is never echoed
    assert accounts.deliver() == []


def test_without_the_csrf_token_nobody_is_signed_up(accounts: AccountService) -> None:
    with httpx.Client(base_url=accounts.url, timeout=10) as client:
        client.get("/signup")
        forged = client.post("/signup", data={"name": "Ada", "email": "ada@example.com", "password": PASSWORD})

    assert forged.status_code == 403 and "came from another site" in forged.text
    assert accounts.store.get_user_by_email("ada@example.com") is None


@pytest.fixture
def closed(settings: Settings, store: Store) -> Iterator[str]:
    with serve(create_app(replace(settings, registration="closed"), store)) as server:
        yield server.url


def test_closed_registration_is_a_clear_page(closed: str, store: Store) -> None:
    with httpx.Client(base_url=closed, timeout=10) as client:
        page = client.get("/signup")
        token = csrf_of(client.get("/login"))
        posted = client.post("/signup", data={"csrf": token, "name": "Ada", "email": "ada@example.com",
                                              "password": PASSWORD})

    for answer in (page, posted):
        assert answer.status_code == 403 and "sign-up is closed; ask the operator for an account" in answer.text
        assert 'name="password"' not in answer.text
    assert store.get_user_by_email("ada@example.com") is None
