"""Keys: a new watch key is shown once (text, a QR code of the pairing URI, clipboard), works at
once against the watch API, and is refused after it is revoked."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from companion.screens.confirm import ConfirmModal
from companion.screens.key_form import KeyForm
from companion.screens.key_reveal import KeyReveal
from companion.widgets.field import Field
from companion.widgets.qr_code import QRCode
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.pairing.uri import pairing_uri, parse_pairing_uri
from shared.qr import qr_text
from tests.companion.conftest import SIZE, Service, column, settle, type_into
from tests.support.clock import wait_for_fresh_minute

pytestmark = pytest.mark.anyio


async def reveal_new_key(pilot: Pilot[Any], email: str, label: str) -> KeyReveal:
    """From the Keys screen: make a key for `email` with the form, up to its one-time reveal."""
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, KeyForm)
    await type_into(pilot, "#field-email Input", email)
    await type_into(pilot, "#field-label Input", label)
    await pilot.press("enter")
    await settle(pilot)
    reveal = pilot.app.screen
    assert isinstance(reveal, KeyReveal)
    return reveal


async def test_new_watch_key_is_shown_once_works_and_is_refused_once_revoked(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        assert table.row_count == 4
        reveal = await reveal_new_key(pilot, "ada@example.com", "venu 3")
        secret = str(reveal.query_one("#secret").render())
        assert secret.startswith("cw_")
        assert str(reveal.query_one(QRCode).render()) == qr_text(pairing_uri(service.url, secret))
        assert parse_pairing_uri(reveal.uri) == (service.url, secret)
        assert secret in app.export_screenshot()
        await pilot.press("c")
        assert app.clipboard == secret

        with httpx.Client(base_url=service.url, timeout=10) as http:
            prices = http.get("/v1/prices", headers={"X-API-Key": secret})
            assert prices.status_code == 200
            assert "BTC" in prices.json()["p"]

            await pilot.press("escape")
            await settle(pilot)
            assert app.screen.query_one("#table", DataTable) is table
            assert secret not in app.export_screenshot()
            assert "venu 3" in column(table, 1)

            table.move_cursor(row=column(table, 1).index("venu 3"))
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmModal)
            await pilot.press("y")
            await settle(pilot)
            row = table.get_row_at(column(table, 1).index("venu 3"))
            assert str(row[4]) == "revoked"
            assert "Revoked key" in app.screen.status.text

            refused = http.get("/v1/prices", headers={"X-API-Key": secret})
        assert refused.status_code == 401
        assert refused.json()["error"] == "revoked_key"


async def test_key_for_an_unknown_email_is_refused_unless_the_user_is_made(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_into(pilot, "#field-email Input", "nobody@example.com")
        await type_into(pilot, "#field-rate_limit Input", "0")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, KeyForm)
        assert "1 or more" in form.query_one("#field-rate_limit", Field).error
        await type_into(pilot, "#field-rate_limit Input", "30")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # make the user? (test_newcomer.py says yes)
        await pilot.press("n")
        await settle(pilot)
        assert "No user has the email nobody@example.com" in form.query_one("#field-email", Field).error
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#table", DataTable).row_count == 4


async def test_key_from_the_users_screen_is_for_the_selected_user(service: Service) -> None:
    app = service.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "k")
        await settle(pilot)
        assert isinstance(app.screen, KeyForm)
        assert app.screen.value("email") == "grace@example.com"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KeyReveal)
        assert "for grace@example.com" in app.screen.heading
    keys = service.store.list_keys(limit=50, user_id=service.users["grace"].id).items
    assert len(keys) == 2


async def test_the_key_and_its_buttons_fit_a_small_terminal(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        reveal = await reveal_new_key(pilot, "ada@example.com", "venu 3")
        secret = str(reveal.query_one("#secret").render())
        assert secret in app.export_screenshot()
        await pilot.click("#copy")
        assert app.clipboard == secret
        await pilot.click("#done")
        await settle(pilot)
        assert not isinstance(app.screen, KeyReveal)


async def test_copy_says_what_it_did_and_closing_uncopied_asks_first(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reveal = await reveal_new_key(pilot, "grace@example.com", "pixel 3")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "can never be shown again" in str(app.screen.query_one(".detail").render())
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is reveal
        await pilot.click("#done")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")

        notes: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **_: notes.append(message))
        await pilot.press("c")
        assert notes == [
            "Sent to the terminal clipboard (OSC 52). If your terminal does not support that, "
            "select the key text with the mouse (hold Shift in most terminals) and copy it."
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, KeyReveal | ConfirmModal)


async def test_closing_an_uncopied_key_after_confirming(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await reveal_new_key(pilot, "grace@example.com", "pixel 3")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.query_one("#table", DataTable).row_count == 5


async def test_owners_found_before_the_rate_limit_are_kept(service: Service) -> None:
    wait_for_fresh_minute()  # the limit counts per minute: all requests in one window
    issued = issue_key(service.store, Scope.ADMIN, now(), rate_limit=3)  # the list, then 2 of 3 owners
    app = service.app(key=issued.secret, start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        owners = column(table, 3)
        assert len([owner for owner in owners if owner.endswith("@example.com")]) == 2
        assert len([owner for owner in owners if owner.endswith(" (not loaded)")]) == 1
        assert app.screen.status.text.startswith("Rate limited:")
