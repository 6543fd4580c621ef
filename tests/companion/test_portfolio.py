"""Portfolio: a user's holdings valued, found by email or from the Users screen, against the
seeded server (prices two minutes old, the clock frozen)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from textual.widgets import DataTable, Static

from companion.screens.portfolio import PortfolioScreen
from shared.ids import new_id
from shared.models import AssetKind, Holding, PricePoint
from tests.companion.conftest import Service, settle, settle_for_picture, type_into

pytestmark = pytest.mark.anyio
SMALL = (80, 24)


def hold(service: Service) -> None:
    """Ada holds half a bitcoin (bought for 20,000) and ten Apple shares, at their last close."""
    at = service.at
    service.store.put_prices([PricePoint("AAPL", "usd", 189.84, 0.52, at - 120, "yahoo", closed=True)])
    ada = service.users["ada"].id
    for symbol, kind, quantity, cost in (("BTC", AssetKind.CRYPTO, "0.5", Decimal(20_000)),
                                         ("AAPL", AssetKind.STOCK, "10", None)):
        holding = Holding(new_id("ast"), ada, symbol, kind, Decimal(quantity), "usd", at, at, cost)
        service.store.add_holding(holding, cap=50)


def rows(screen: PortfolioScreen) -> list[tuple[str, ...]]:
    table = screen.query_one(DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def test_a_users_portfolio_is_found_by_email(service: Service) -> None:
    hold(service)
    app = service.app(start="portfolio")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        await type_into(pilot, "#owner", "ada@example.com")
        await pilot.press("enter")
        await settle(pilot)

        found = rows(screen)
        assert [row[:3] for row in found] == [("BTC", "crypto", "0.5"), ("AAPL", "stock", "10")]
        assert found[0][5] == "48,561.73 USD" and found[0][6] == "+28,561.73"
        assert found[1][3] == "189.84 close"
        total = str(screen.query_one("#portfolio-total", Static).render())
        assert "50,460.13 USD" in total and "stocks at last close" in total
        assert "ada@example.com holds 2 assets" in screen.status.text


async def test_p_on_the_users_screen_opens_the_selected_users_portfolio(service: Service) -> None:
    hold(service)
    app = service.app(start="users")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("p")  # Ada is the first user
        await settle(pilot)

        assert isinstance(app.screen, PortfolioScreen)
        assert [row[0] for row in rows(app.screen)] == ["BTC", "AAPL"]


async def test_an_unknown_email_says_so(service: Service) -> None:
    app = service.app(start="portfolio")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await type_into(pilot, "#owner", "nobody@example.com")
        await pilot.press("enter")
        await settle(pilot)

        assert "No user has the email nobody@example.com" in app.screen.status.text
        assert rows(app.screen) == []


def test_snapshot_at_80x24(service: Service, snap_compare: Callable[..., bool]) -> None:
    hold(service)

    async def find_ada(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await type_into(pilot, "#owner", "ada@example.com")
        await settle_for_picture(pilot, "enter")

    assert snap_compare(service.app(start="portfolio"), terminal_size=SMALL, run_before=find_ada)
