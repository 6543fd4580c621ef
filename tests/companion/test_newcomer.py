"""What a new operator tripped over in the companion: the row a new export leaves selected, a
sparkline of one point, a retry that is due, a key for an address with no user yet, and the
help screen's title."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Label, Sparkline, Static

from companion.screens.confirm import ConfirmModal
from companion.screens.export_link import ExportLink
from companion.screens.help import HelpScreen
from companion.screens.key_form import KeyForm
from companion.screens.key_reveal import KeyReveal
from companion.widgets.field import Field
from companion.widgets.history_panel import HistoryPanel
from companion.widgets.outbox_panel import OutboxPanel
from tests.companion.conftest import SIZE, Service, settle, type_into

pytestmark = pytest.mark.anyio


async def test_after_a_new_export_s_and_u_act_on_it(service: Service) -> None:
    app = service.app(start="exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for symbols in ("BTC", "ETH"):
            await pilot.press("n")
            await settle(pilot)
            await type_into(pilot, "#field-symbols Input", symbols)
            await pilot.press("enter")
            await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        assert table.row_count == 2
        assert str(table.get_row_at(table.cursor_row)[2]) == "ETH"  # the one just made
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ExportLink)
        newest = service.store.list_exports(limit=1).items[0]
        assert str(app.screen.query_one("#url").render()).endswith(f"/admin/exports/{newest.id}/download")


async def test_one_point_of_history_draws_no_sparkline(service: Service) -> None:
    app = service.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(HistoryPanel)
        assert panel.query_one(Sparkline).display  # BTC: a day of history
        await pilot.press("down")  # ETH: its latest price only
        await settle(pilot)
        assert "not enough history yet" in str(panel.query_one("#history-summary", Label).render())
        assert not panel.query_one(Sparkline).display
        await pilot.press("up")
        await settle(pilot)
        assert panel.query_one(Sparkline).display


async def test_a_retry_that_is_due_says_so_rather_than_minutes_ago(service: Service) -> None:
    service.store.fail_notification("ntf_1", "webhook answered 503", service.at - 120)
    app = service.app(start="alerts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")  # the triggered ETH alert
        await settle(pilot)
        (line,) = app.screen.query_one(OutboxPanel).lines
        assert "next try on the updater's next cycle" in line
        assert "ago" not in line


async def test_a_key_for_a_new_address_makes_the_user_after_asking(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_into(pilot, "#field-email Input", "barbara@example.com")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Create the user barbara@example.com?" in str(app.screen.query_one(".heading").render())
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, KeyForm)
        assert "No user has the email barbara@example.com" in form.query_one("#field-email", Field).error
        assert service.store.get_user_by_email("barbara@example.com") is None

        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, KeyReveal)
        assert "for barbara@example.com" in app.screen.heading
    user = service.store.get_user_by_email("barbara@example.com")
    assert user is not None and user.name == "barbara"
    assert len(service.store.list_keys(limit=10, user_id=user.id).items) == 1


@pytest.mark.parametrize(("start", "title"), [("users", "Users"), ("exports", "Exports")])
async def test_help_is_titled_and_led_by_the_section_it_was_opened_on(
    service: Service, start: str, title: str
) -> None:
    app = service.app(start=start)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert str(app.screen.query_one(".heading").render()) == f"Help · keys of the {title} screen and every other"
        first = str(app.screen.query(Static).filter(".section").first().render())
        assert first.splitlines()[0] == title
