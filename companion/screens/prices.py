"""Live prices of the supported symbols, the selected one's history as a sparkline, and the
service's health. Refreshes on a timer while the screen is shown."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.timer import Timer
from textual.widgets import DataTable

from companion import format
from companion.errors import CompanionError
from companion.screens.base import CompanionScreen
from companion.widgets.health_bar import HealthBar
from companion.widgets.history_panel import HistoryPanel
from companion.widgets.table import Table


class PricesScreen(CompanionScreen):
    MODE = "prices"
    TITLE = "Prices"
    BINDINGS = [
        Binding("r", "refresh_now", "Refresh"),
        Binding("t", "history_range", "History range"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self.prices: dict[str, Any] = {}

    def compose_body(self) -> ComposeResult:
        yield HealthBar()
        with Horizontal(id="prices-body"):
            yield Table(id="prices", cursor_type="row", zebra_stripes=True)
            yield HistoryPanel(self.client, id="history")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#prices", DataTable)

    def on_mount(self) -> None:
        self.table.add_column("Symbol", key="symbol")
        self.table.add_column("Price", key="price")
        self.table.add_column("24h", key="change")
        self.table.add_column("Updated", key="updated")
        self._timer = self.set_interval(self.companion.refresh_seconds, self.refresh_prices, pause=True)

    def on_screen_resume(self) -> None:
        self.refresh_prices()
        if self._timer is not None:
            self._timer.resume()

    def on_screen_suspend(self) -> None:
        if self._timer is not None:
            self._timer.pause()

    def action_refresh_now(self) -> None:
        self.refresh_prices()

    def action_history_range(self) -> None:
        self.query_one(HistoryPanel).next_range()

    @property
    def selected_symbol(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)

    @work(exclusive=True, group="prices")
    async def refresh_prices(self) -> None:
        health_bar = self.query_one(HealthBar)
        try:
            health = await self.client.health()
        except CompanionError as error:  # say why once, not again for the prices
            health_bar.show_failure(error)
            self.report(error)
            return
        health_bar.show(health, self.now())
        prices = await self.attempt(self.client.prices())
        if prices is None:
            return
        self.prices = prices
        self.fill(prices)
        self.query_one(HistoryPanel).load(self.selected_symbol)
        self.status.show_info(
            f"{len(prices.p)} symbols in {str(prices.c or '').upper()} · "
            f"refreshing every {format.duration(self.companion.refresh_seconds)}"
        )

    def fill(self, prices: dict[str, Any]) -> None:
        table = self.table
        kept = self.selected_symbol
        table.clear()
        stale = bool(prices.s)
        updated = Text(format.ago(prices.t, self.now()), style="yellow" if stale else "")
        if stale:
            updated.append(" stale")
        for symbol, (price, change) in prices.p.items():
            table.add_row(
                Text(symbol, style="bold"),
                Text(format.price(price), justify="right"),
                format.change(change),
                updated,
                key=symbol,
            )
        if kept is not None and kept in prices.p:
            table.move_cursor(row=table.get_row_index(kept))

    def on_data_table_row_highlighted(self) -> None:
        """Follow the cursor, not the event's row: a refresh refills the table, which highlights
        row 0 on the way before the cursor goes back to the selected symbol."""
        panel = self.query_one(HistoryPanel)
        if panel.symbol != self.selected_symbol:
            panel.load(self.selected_symbol)
