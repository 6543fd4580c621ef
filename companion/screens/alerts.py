"""Price alerts: filter by status, add one for a user, cancel one, and see what the outbox did
with the notifications of a triggered alert."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label, Select

from companion import format
from companion.client import Page
from companion.owners import Owners
from companion.screens.alert_form import AlertForm
from companion.screens.confirm import ConfirmModal
from companion.screens.listing import ListScreen
from companion.widgets.outbox_panel import OutboxPanel
from shared.shapes.alerts import Alert

FILTERS = (("all", ""), ("active", "active"), ("triggered", "triggered"), ("cancelled", "cancelled"))
STATUS_STYLES = {"active": "green", "triggered": "yellow", "cancelled": "dim"}
CONDITIONS = {"above": "≥ {}", "below": "≤ {}", "pct_move": "moves ±{}% in 24h"}


def condition_text(alert: Alert) -> str:
    """'≥ 100,000 USD' (a percentage move has no currency). The record is the API's decoded
    model, so an odd one never gets this far."""
    currency = "" if alert.condition == "pct_move" else f" {alert.currency.upper()}"
    return CONDITIONS[alert.condition].format(format.number(alert.target)) + currency


class AlertsScreen(ListScreen):
    MODE = "alerts"
    TITLE = "Alerts"
    NOUN = "alert"
    COLUMNS = ("Symbol", "Condition", "Owner", "Channel", "Status", "Triggers", "Last triggered", "Repeat")
    MODEL = Alert
    #: The fields the columns were written for (or leave out); any other field gets its own column.
    SHOWN = frozenset({
        "id", "user_id", "symbol", "currency", "condition", "target", "channel", "destination",
        "repeat", "cooldown_seconds", "status", "created_at", "last_triggered_at", "trigger_count"
    })
    BINDINGS = [
        Binding("n", "new_alert", "New alert"),
        Binding("d", "delete", "Cancel alert"),
        Binding("f", "cycle_filter", "Filter"),
        Binding("t", "retry", "Retry"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.owners = Owners(self.companion.client)

    def compose_controls(self) -> Iterable[Any]:
        with Horizontal(classes="controls"):
            yield Label("Status (f)")
            yield Select(FILTERS, value="", allow_blank=False, id="filter", compact=True)

    def compose_details(self) -> Iterable[Any]:
        yield OutboxPanel(self.client, self.now)

    @property
    def status_filter(self) -> str:
        return str(self.query_one("#filter", Select).value)

    async def fetch(self, cursor: str | None) -> Page:
        return await self.client.alerts(status=self.status_filter, cursor=cursor)

    async def prepare(self, items: Sequence[Alert]) -> None:
        await self.owners.learn(item.user_id for item in items)

    def row(self, item: Alert) -> Sequence[Any]:
        status = str(item.status)
        return (
            Text(str(item.symbol), style="bold"),
            condition_text(item),
            self.owners.email(item.user_id),
            f"{item.channel}",
            Text(status, style=STATUS_STYLES.get(status, "")),
            Text(str(item.trigger_count), justify="right"),
            format.ago(item.last_triggered_at, self.now()),
            "re-arms" if item.repeat else "once",
        )

    def fill(self, page: Page) -> None:
        super().fill(page)
        self.query_one(OutboxPanel).load(self.selected)

    @on(Select.Changed, "#filter")
    def filter_changed(self) -> None:
        self.pager.reset()
        self.reload()

    def action_cycle_filter(self) -> None:
        select = self.query_one("#filter", Select)
        values = [value for _, value in FILTERS]
        select.value = values[(values.index(str(select.value)) + 1) % len(values)]

    @on(DataTable.RowHighlighted, "#table")
    def alert_highlighted(self) -> None:
        self.query_one(OutboxPanel).load(self.selected)

    @work(exclusive=True, group="action")
    async def action_new_alert(self) -> None:
        alert = await self.app.push_screen_wait(AlertForm(self.client))
        if alert is not None:
            self.done(f"Alert set: {alert.symbol} {condition_text(alert)}.")
            self.reload()

    @work(exclusive=True, group="action")
    async def action_delete(self) -> None:
        alert = self.require_selected()
        if alert is None:
            return
        if alert.status == "cancelled":
            self.status.show_info("This alert is already cancelled.")
            return
        confirmed = await self.app.push_screen_wait(
            ConfirmModal(
                f"Cancel the alert {alert.symbol} {condition_text(alert)}?",
                f"It belongs to {self.owners.email(alert.user_id)}; no more notifications.",
                yes="Cancel alert",
            )
        )
        if confirmed and await self.attempt(self.client.delete_alert(alert.id)) is not None:
            self.done(f"Cancelled the alert on {alert.symbol}.")
            self.reload()

    @work(exclusive=True, group="action")
    async def action_retry(self) -> None:
        """Queue the selected alert's failed notifications again (after SMTP or the receiver
        was fixed): delivery gave up on them, and nothing else will send them."""
        alert = self.require_selected()
        if alert is None:
            return
        failed = await self.attempt(self.client.failed_notifications(alert.id))
        if failed is None:
            return
        if not failed:
            self.status.show_info("Nothing to retry: no delivery of this alert has failed.")
            return
        for note in failed:
            if await self.attempt(self.client.retry_notification(note.id)) is None:
                return
        count = f"{len(failed)} notification{'s' if len(failed) != 1 else ''}"
        self.done(f"Queued {count} again; the updater sends them on its next cycle.")
        self.query_one(OutboxPanel).load(alert)
