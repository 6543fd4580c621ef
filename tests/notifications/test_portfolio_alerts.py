"""Alerts on a portfolio's total: judged on the holdings valued at the latest prices (coins and
stocks), fired once through the same trigger + outbox write as price alerts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.alerts import PORTFOLIO, AlertSpec, new_alert
from shared.config import Settings
from shared.errors import InvalidInput
from shared.ids import new_id, now
from shared.models import Alert, AlertStatus, AssetKind, Condition, Holding, PricePoint, User
from shared.store.base import Store
from updater.alerts import fire_due_alerts
from updater.portfolio_alerts import fire_portfolio_alerts


@pytest.fixture
def holder(store: Store, user: User) -> User:
    at = now()
    for symbol, kind, quantity in (("BTC", AssetKind.CRYPTO, "0.5"), ("AAPL", AssetKind.STOCK, "10")):
        store.add_holding(Holding(new_id("ast"), user.id, symbol, kind, Decimal(quantity), "usd", at, at), cap=50)
    return user


def prices(store: Store, btc: float, aapl: float, change: float = 0.0) -> None:
    at = now()
    store.put_prices([
        PricePoint("BTC", "usd", btc, change, at, "coingecko"),
        PricePoint("AAPL", "usd", aapl, change, at, "yahoo"),
    ])


def portfolio_alert(store: Store, settings: Settings, user: User, condition: Condition, target: float) -> Alert:
    return store.create_alert(new_alert(AlertSpec(PORTFOLIO, condition, target), user, settings, now()))


def test_a_total_above_the_target_fires_once(store: Store, notify_settings: Settings, holder: User) -> None:
    alert = portfolio_alert(store, notify_settings, holder, Condition.ABOVE, 50_000)
    prices(store, btc=96_000.0, aapl=190.0)  # 48,000 + 1,900 = 49,900
    assert fire_portfolio_alerts(store, now()) == 0

    prices(store, btc=98_000.0, aapl=190.0)  # 49,000 + 1,900 = 50,900
    assert fire_portfolio_alerts(store, now()) == 1
    assert fire_portfolio_alerts(store, now()) == 0

    assert store.get_alert(alert.id).status is AlertStatus.TRIGGERED  # type: ignore[union-attr]
    (sent,) = store.list_notifications(alert_id=alert.id).items
    assert sent.subject == "PORTFOLIO is above 50000 USD: now 50900 USD"
    assert sent.destination == holder.email


def test_a_move_of_the_whole_fires_a_percent_alert(store: Store, notify_settings: Settings, holder: User) -> None:
    portfolio_alert(store, notify_settings, holder, Condition.PCT_MOVE, 5)
    prices(store, btc=96_000.0, aapl=190.0, change=-4.0)
    assert fire_portfolio_alerts(store, now()) == 0

    prices(store, btc=96_000.0, aapl=190.0, change=-6.0)
    assert fire_portfolio_alerts(store, now()) == 1


def test_price_alerts_and_portfolio_alerts_do_not_mix(store: Store, notify_settings: Settings, holder: User) -> None:
    portfolio_alert(store, notify_settings, holder, Condition.ABOVE, 1)
    at = now()

    assert fire_due_alerts(store, [PricePoint("BTC", "usd", 1e6, 0.0, at, "coingecko")], at) == 0
    assert fire_portfolio_alerts(store, at) == 0  # nothing priced yet: no total to judge


def test_only_the_portfolio_is_an_alert_symbol_beyond_the_coins(notify_settings: Settings, user: User) -> None:
    with pytest.raises(InvalidInput, match="or PORTFOLIO"):
        new_alert(AlertSpec("AAPL", Condition.ABOVE, 1.0), user, notify_settings, now())
