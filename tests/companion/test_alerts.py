"""Alerts: create with inline validation, filter by status, cancel, and the outbox state of a
triggered alert."""

from __future__ import annotations

import msgspec
import pytest
from textual.widgets import DataTable, Select

from companion.screens.alert_form import AlertForm
from companion.screens.confirm import ConfirmModal
from companion.widgets.field import Field
from companion.widgets.outbox_panel import OutboxPanel
from shared.models import Alert, Channel, Condition, Notification
from tests.companion.conftest import DAY, SIZE, Service, column, settle, type_into

pytestmark = pytest.mark.anyio


async def test_create_alert_with_inline_validation(service: Service) -> None:
    app = service.app(start="alerts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AlertForm)
        await type_into(pilot, "#field-email Input", "ada@example.com")
        await type_into(pilot, "#field-symbol Input", "nope")
        await type_into(pilot, "#field-target Input", "lots")
        await pilot.press("enter")
        await settle(pilot)
        assert "must be a number" in form.query_one("#field-target", Field).error

        await type_into(pilot, "#field-target Input", "150,000")
        await pilot.press("enter")
        await settle(pilot)
        assert "symbol must be one of" in form.query_one("#field-symbol", Field).error

        await type_into(pilot, "#field-symbol Input", "btc")
        form.query_one("#field-condition Select", Select).value = "below"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AlertForm)
        assert "Alert set: BTC ≤ 150,000 USD" in app.screen.status.text
        table = app.screen.query_one("#table", DataTable)
        row = column(table, 1).index("≤ 150,000 USD")
        assert column(table, 2)[row] == "ada@example.com"
        assert column(table, 4)[row] == "active"


async def test_webhook_alert_needs_a_destination(service: Service) -> None:
    app = service.app(start="alerts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_into(pilot, "#field-email Input", "grace@example.com")
        await type_into(pilot, "#field-symbol Input", "ETH")
        await type_into(pilot, "#field-target Input", "4000")
        app.screen.query_one("#field-channel Select", Select).value = "webhook"
        await pilot.press("enter")
        await settle(pilot)
        assert "destination" in app.screen.query_one("#field-destination", Field).error


async def test_filter_outbox_and_cancel(service: Service) -> None:
    app = service.app(start="alerts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        outbox = app.screen.query_one(OutboxPanel)
        assert column(table, 4) == ["active", "triggered", "cancelled"]
        assert outbox.lines == ["  not triggered yet: nothing sent"]

        await pilot.press("down")
        await settle(pilot)
        assert len(outbox.lines) == 1
        assert outbox.lines[0].startswith("  pending · 1 attempt · next try in 5 min")
        assert "last error: webhook answered 503" in outbox.lines[0]

        await pilot.press("f")
        await settle(pilot)
        assert column(table, 4) == ["active"]
        await pilot.press("f")
        await settle(pilot)
        assert column(table, 0) == ["ETH"]

        await pilot.press("f", "f")
        await settle(pilot)
        assert table.row_count == 3
        await pilot.press("up", "up", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert column(table, 4) == ["cancelled", "triggered", "cancelled"]
        assert "Cancelled the alert on BTC" in app.screen.status.text


async def test_a_failed_delivery_is_queued_again(service: Service) -> None:
    service.store.fail_notification("ntf_1", "webhook answered 503", None)  # delivery gave up
    app = service.app(start="alerts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")  # BTC's alert never fired: nothing to retry
        await settle(pilot)
        assert "Nothing to retry" in app.screen.status.text

        await pilot.press("down")
        await settle(pilot)
        outbox = app.screen.query_one(OutboxPanel)
        assert outbox.lines[0].startswith("  failed · 2 attempts")
        await pilot.press("t")
        await settle(pilot)
        assert "Queued 1 notification again" in app.screen.status.text
        assert outbox.lines[0].startswith("  pending")
        note = service.store.get_notification("ntf_1")
        assert note is not None and note.status.value == "pending"


async def test_every_failed_delivery_is_queued_again_not_only_the_ones_shown(service: Service) -> None:
    """A repeating alert with more notifications than the outbox panel shows: the failed ones
    past the panel's first five are queued again too."""
    store, at, ada = service.store, service.at, service.users["ada"]
    alert = store.create_alert(
        Alert("alt_4", ada.id, "ETH", "usd", Condition.ABOVE, 1.0, Channel.EMAIL, ada.email, at - DAY, repeat=True)
    )
    for n in range(7):
        note = Notification(f"ntf_4{n}", alert.id, ada.id, Channel.EMAIL, ada.email, "ETH above 1", "body", at - 70 + n)
        assert store.trigger_alert(alert, at - 70 + n, note)
        alert = msgspec.structs.replace(alert, last_triggered_at=at - 70 + n)
        if n < 5:
            store.complete_notification(note.id, at - 60)
        else:
            store.fail_notification(note.id, "SMTP down", None)
    app = service.app(start="alerts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        row = column(table, 5).index("7")  # the repeating ETH alert, triggered seven times
        table.move_cursor(row=row)
        await settle(pilot)
        assert column(table, 0)[row] == "ETH"
        assert all(line.startswith("  sent") for line in app.screen.query_one(OutboxPanel).lines)
        await pilot.press("t")
        await settle(pilot)
        assert "Queued 2 notifications again" in app.screen.status.text
    assert [store.get_notification(f"ntf_4{n}").status.value for n in (5, 6)] == ["pending", "pending"]
