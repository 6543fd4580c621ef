"""The alert rules themselves: boundaries, cooldown of repeating alerts, readable amounts."""

from __future__ import annotations

from pathlib import Path

from shared.alerts import AlertSpec, amount, new_alert, should_fire
from shared.config import Settings
from shared.models import AlertStatus, Condition, PricePoint, User
from shared.store.sqlite import SQLiteStore
from shared.users import create_user
from updater.alerts import fire_due_alerts

USER = User(id="usr_1", email="ada@example.com", name="Ada", created_at=0)
CONFIG = Settings(supported_symbols=("BTC", "ETH"), vs_currencies=("usd", "eur"))


def point(price: float, change: float | None = None, symbol: str = "BTC", currency: str = "usd") -> PricePoint:
    return PricePoint(symbol, currency, price, change, 1000, "demo")


def alert(condition: Condition, target: float, **options: object):  # type: ignore[no-untyped-def]
    return new_alert(AlertSpec("BTC", condition, target, **options), USER, CONFIG, 0)  # type: ignore[arg-type]


def test_targets_are_inclusive() -> None:
    assert should_fire(alert(Condition.ABOVE, 100.0), point(100.0), 10)
    assert not should_fire(alert(Condition.ABOVE, 100.0), point(99.99), 10)
    assert should_fire(alert(Condition.BELOW, 100.0), point(100.0), 10)
    assert not should_fire(alert(Condition.BELOW, 100.0), point(100.01), 10)
    assert should_fire(alert(Condition.PCT_MOVE, 5.0), point(1.0, change=-5.0), 10)
    assert not should_fire(alert(Condition.PCT_MOVE, 5.0), point(1.0, change=4.99), 10)
    assert not should_fire(alert(Condition.PCT_MOVE, 5.0), point(1.0, change=None), 10)


def test_only_the_alerts_symbol_and_currency_count() -> None:
    assert not should_fire(alert(Condition.ABOVE, 1.0), point(5.0, symbol="ETH"), 10)
    assert not should_fire(alert(Condition.ABOVE, 1.0), point(5.0, currency="eur"), 10)
    assert should_fire(alert(Condition.ABOVE, 1.0, currency="eur"), point(5.0, currency="eur"), 10)


def test_a_repeating_alert_rearms_after_its_cooldown(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "rules.db")
    store.init()
    try:
        owner = create_user(store, email="ada@example.com", name="Ada")
        spec = AlertSpec("BTC", Condition.ABOVE, 10.0, repeat=True, cooldown_seconds=600)
        made = store.create_alert(new_alert(spec, owner, CONFIG, 0))
        fired = [fire_due_alerts(store, [point(11.0)], at) for at in (1000, 1300, 1599, 1600, 2000, 2300)]
        assert fired == [1, 0, 0, 1, 0, 1]
        stored = store.get_alert(made.id)
        assert stored is not None
        assert (stored.status, stored.trigger_count, stored.last_triggered_at) == (AlertStatus.ACTIVE, 3, 2300)
        assert len(store.list_notifications(alert_id=made.id).items) == 3
    finally:
        store.close()


def test_amounts_read_like_prices() -> None:
    assert amount(100000.0) == "100000"
    assert amount(97123.4567) == "97123.457"
    assert amount(0.00001234) == "0.00001234"
    assert amount(0.1 + 0.2) == "0.3"
