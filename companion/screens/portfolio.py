"""A user's portfolio as the service values it: each holding's quantity, price, 24 h change,
value and profit or loss, and the total with its crypto and stock subtotals. Find the user by
their exact email (or press p on the Users screen). Read only: holdings are the user's own to
change, from their watch or their session."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Static

from companion import format
from companion.screens.base import CompanionScreen
from companion.widgets.table import Table
from shared.shapes.portfolio import AssetValue, PortfolioSummary

COLUMNS = ("Symbol", "Kind", "Quantity", "Price", "24h", "Value", "P/L")


def money(value: float | None, currency: str) -> str:
    return format.DASH if value is None else f"{format.price(value)} {currency.upper()}"


def profit(value: float | None) -> Text:
    if value is None:
        return Text(format.DASH, style="dim")
    return Text(f"{value:+,.2f}", style="green" if value > 0 else "red" if value < 0 else "")


def summary(portfolio: PortfolioSummary) -> Text:
    """`Total 35,492.07 USD ▲+1.23% · P/L +5,492.07 · crypto 33,593.67 · stocks 1,898.40`"""
    currency = portfolio.currency
    text = Text.assemble(("Total ", "bold"), (money(portfolio.total, currency), "bold"), " ")
    text.append_text(format.change(portfolio.change_24h))
    text.append(" · P/L ")
    text.append_text(profit(portfolio.profit))
    text.append(f" · crypto {format.price(portfolio.crypto)} · stocks {format.price(portfolio.stock)}")
    notes = [
        note
        for flag, note in (
            (portfolio.closed, "stocks at last close"), (portfolio.stale, "stale prices"),
            (portfolio.simulated, "simulated"),
        )
        if flag
    ]
    if notes:
        text.append(f" ({', '.join(notes)})", style="yellow")
    return text


def row(holding: AssetValue, currency: str) -> tuple[Any, ...]:
    price = Text(format.price(holding.price), justify="right")
    if holding.closed:
        price.append(" close", style="dim")
    return (
        Text(holding.symbol, style="bold"),
        holding.kind.value,
        Text(str(holding.quantity), justify="right"),
        price,
        format.change(holding.change_24h),
        Text(money(holding.value, currency), justify="right"),
        profit(holding.profit),
    )


class PortfolioScreen(CompanionScreen):
    MODE = "portfolio"
    TITLE = "Portfolio"
    AUTO_FOCUS = "#owner"
    BINDINGS = [
        Binding("r", "reload", "Refresh"),
        Binding("slash", "find", "Find user"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.email = ""

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="controls"):
            yield Label("User (/)")
            yield Input(placeholder="their exact email, e.g. ada@example.com", id="owner", compact=True)
        yield Static("", id="portfolio-total")
        yield Table(id="table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)

    def show_user(self, email: str) -> None:
        """Open the portfolio of the user with this email (the Users screen's `p`)."""
        self.query_one("#owner", Input).value = email
        self.email = email
        self.reload()

    def action_find(self) -> None:
        self.query_one("#owner", Input).focus()

    def action_reload(self) -> None:
        self.reload()

    @on(Input.Submitted, "#owner")
    def find(self, event: Input.Submitted) -> None:
        self.email = event.value.strip()
        self.reload()
        self.query_one(DataTable).focus()

    @work(exclusive=True, group="portfolio")
    async def reload(self) -> None:
        if not self.email:
            self.status.show_info("Type a user's email and press Enter to see their portfolio.")
            return
        user = await self.attempt(self.client.user_by_email(self.email))
        if user is None:
            return
        portfolio = await self.attempt(self.client.portfolio(user.id))
        if portfolio is None:
            return
        self.status.clear_stale()
        self.fill(portfolio)
        holdings = portfolio.holdings
        self.status.show_info(f"{user.email} holds {len(holdings)} assets." if holdings else
                              f"{user.email} holds nothing yet: assets are added with their watch key.")

    def fill(self, portfolio: PortfolioSummary) -> None:
        self.query_one("#portfolio-total", Static).update(summary(portfolio))
        table = self.query_one(DataTable)
        table.clear()
        for holding in portfolio.holdings:
            table.add_row(*row(holding, portfolio.currency), key=holding.id)
