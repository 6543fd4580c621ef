"""Users: create with the server's validation shown under the fields, find, page, delete."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from companion.screens.confirm import ConfirmModal
from companion.screens.user_form import UserForm
from companion.widgets.field import Field
from shared.models import User
from tests.companion.conftest import SIZE, Service, column, settle, type_into, watch_key_for

pytestmark = pytest.mark.anyio


async def test_create_user_shows_server_validation_inline(service: Service) -> None:
    app = service.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, UserForm)

        await type_into(pilot, "#field-email Input", "not-an-email")
        await type_into(pilot, "#field-name Input", "Barbara")
        await pilot.press("enter")
        await settle(pilot)
        email_field = form.query_one("#field-email", Field)
        assert "email must be an address" in email_field.error
        assert form.query_one("#field-name", Field).error == ""

        await type_into(pilot, "#field-email Input", "ADA@example.com")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert "already exists" in email_field.error

        await type_into(pilot, "#field-email Input", "barbara@example.com")
        await pilot.click("#submit")
        await settle(pilot)
        assert not isinstance(app.screen, UserForm)
        assert "Added barbara@example.com" in app.screen.status.text
        assert "barbara@example.com" in column(app.screen.query_one("#table", DataTable), 0)
    assert service.store.get_user_by_email("barbara@example.com") is not None


async def test_escape_cancels_the_form_without_creating(service: Service) -> None:
    app = service.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_into(pilot, "#field-email Input", "nobody@example.com")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, UserForm)
    assert service.store.get_user_by_email("nobody@example.com") is None


async def test_search_by_email_and_pages(service: Service) -> None:
    for i in range(55):
        service.store.create_user(User(f"usr_9{i:03d}", f"bulk{i:03d}@example.com", "Bulk", service.at))
    app = service.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        assert table.row_count == 50
        assert "page 1 · 50 rows" in str(app.screen.pager.render())
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert table.row_count == 8
        assert "page 2" in str(app.screen.pager.render())
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert table.row_count == 50

        await pilot.press("slash")
        await pilot.press(*"GRACE@example.com", "enter")
        await settle(pilot)
        assert column(table, 0) == ["grace@example.com"]
        assert app.screen.focused is table

        await pilot.press("escape")
        await settle(pilot)
        assert table.row_count == 50

        await pilot.press("slash", *"nobody@example.com", "enter")
        await settle(pilot)
        assert table.row_count == 0
        assert app.screen.status.text.startswith("No user has the exact address nobody@example.com:")
        assert "exact address" in app.screen.query_one("#search", Input).placeholder


async def test_delete_asks_first_and_revokes_the_users_keys(service: Service) -> None:
    key = watch_key_for(service, "grace")
    app = service.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        await pilot.press("down")  # grace
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
        assert "grace@example.com" in column(table, 0)

        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert column(table, 0) == ["ada@example.com", "linus@example.com"]
        assert "Deleted grace@example.com" in app.screen.status.text
    with service.http(key) as http:
        refused = http.get("/v1/prices")
    assert refused.status_code == 401
    assert refused.json()["error"] == "revoked_key"


async def test_users_show_their_state_and_disabling_stops_their_keys(service: Service) -> None:
    key = watch_key_for(service, "grace")
    app = service.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        assert column(table, 2) == ["unverified"] * 3
        assert str(table.get_row_at(1)[3]) == "never"
        await pilot.press("down")  # grace
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert str(table.get_row_at(1)[2]) == "disabled"
        assert "Disabled grace@example.com" in app.screen.status.text
        with service.http(key) as http:
            assert http.get("/v1/prices").status_code == 401

        await pilot.press("x")  # enabling asks nothing
        await settle(pilot)
        assert str(table.get_row_at(1)[2]) == "unverified"
    grace = service.store.get_user_by_email("grace@example.com")
    assert grace is not None and not grace.disabled


async def test_resending_verification_mails_a_new_link(service: Service) -> None:
    app = service.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")  # ada
        await settle(pilot)
        assert "Mailed a new verification link to ada@example.com" in app.screen.status.text
    mail = service.store.list_notifications()
    assert ("ada@example.com", "Confirm your email") in [(n.destination, n.subject) for n in mail.items]
