"""The selected symbol's recent prices as a sparkline, with its range and move.

It fetches `/v1/history/{symbol}` itself (the compact watch format: evenly spaced points,
null where there was no price yet) and reports failures to its screen."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, Sparkline

from companion import format
from companion.client import CompanionClient
from companion.errors import CompanionError
from companion.messages import Failed
from shared.shapes.prices import History

RANGES = ((24, "24 h"), (24 * 7, "7 d"), (24 * 30, "30 d"))
POINTS = 48


def summary(history: History) -> tuple[list[float], str]:
    """(the known prices, oldest first; a line with low, high and the move over the range)."""
    prices = [float(p) for p in history.p or [] if p is not None]
    if len(prices) < 2:
        return prices, "not enough history yet: the updater adds a point every cycle"
    first, last = prices[0], prices[-1]
    move = (last - first) / first * 100 if first else 0.0
    return prices, (
        f"low {format.price(min(prices))} · high {format.price(max(prices))} · "
        f"move {move:+.2f}%"
    )


class HistoryPanel(Vertical):
    def __init__(self, client: CompanionClient, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client
        self.symbol: str | None = None
        self.range_index = 0

    def compose(self) -> ComposeResult:
        yield Label("", id="history-title")
        yield Sparkline([], id="sparkline")
        yield Label("", id="history-summary")

    @property
    def hours(self) -> int:
        return RANGES[self.range_index][0]

    def next_range(self) -> None:
        self.range_index = (self.range_index + 1) % len(RANGES)
        self.load(self.symbol)

    def load(self, symbol: str | None) -> None:
        """Show `symbol`'s history. The symbol is taken at once, so a screen can tell which one
        is on its way and not ask for it twice."""
        self.symbol = symbol
        if symbol is None:
            return
        self.query_one("#history-title", Label).update(
            Content(f"{symbol} · last {RANGES[self.range_index][1]}")
        )
        self._fetch(symbol)

    @work(exclusive=True, group="history")
    async def _fetch(self, symbol: str) -> None:
        try:
            history = await self.client.history(symbol, hours=self.hours, points=POINTS)
        except CompanionError as error:
            self.post_message(Failed(error))
            return
        prices, line = summary(history)
        sparkline = self.query_one(Sparkline)
        sparkline.data = prices
        sparkline.display = len(prices) >= 2  # Textual draws a single point as a solid block
        self.query_one("#history-summary", Label).update(Content(line))
