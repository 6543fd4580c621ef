"""Property: for any price path, a one-shot alert fires at most once, and fires exactly when
some price of the path after its creation meets its condition (including the first one), at the
time of the first such price. Some targets equal a price (or move) of the path, so the
inclusive boundary (at or above, at or below) is exercised."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.models import AlertStatus, Condition, PricePoint
from shared.store.sqlite import SQLiteStore
from shared.users import create_user
from updater.alerts import fire_due_alerts

START = 1_700_000_000
prices = st.floats(min_value=1.0, max_value=200.0, allow_nan=False)
changes = st.one_of(st.none(), st.floats(min_value=-30.0, max_value=30.0, allow_nan=False))
paths = st.lists(st.tuples(prices, changes), min_size=1, max_size=12)


def meets(condition: Condition, target: float, price: float, change: float | None) -> bool:
    """The rule as the README states it, written independently of the implementation."""
    if condition == Condition.ABOVE:
        return price >= target
    if condition == Condition.BELOW:
        return price <= target
    return change is not None and abs(change) >= target


def targets(condition: Condition, path: list[tuple[float, float | None]]) -> st.SearchStrategy[float]:
    """Any target in range, or exactly a price of the path (a 24 h move for pct_move)."""
    if condition == Condition.PCT_MOVE:
        moves = [abs(change) for _, change in path if change is not None and abs(change) >= 0.01]
        anywhere = st.floats(min_value=0.01, max_value=30.0)
        return st.one_of(anywhere, st.sampled_from(moves)) if moves else anywhere
    return st.one_of(prices, st.sampled_from([price for price, _ in path]))


def test_a_one_shot_alert_fires_iff_the_path_meets_it_after_creation(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "property.db")
    store.init()
    config = Settings(supported_symbols=("BTC",))
    owner = create_user(store, email="prop@example.com", name="Prop")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        path=paths,
        created_at_step=st.integers(min_value=0, max_value=12),
        condition=st.sampled_from(list(Condition)),
        data=st.data(),
    )
    def check(
        path: list[tuple[float, float | None]],
        created_at_step: int,
        condition: Condition,
        data: st.DataObject,
    ) -> None:
        target = data.draw(targets(condition, path), label="target")
        step = min(created_at_step, len(path))
        points = [
            PricePoint("BTC", "usd", price, change, START + 300 * i, "demo") for i, (price, change) in enumerate(path)
        ]
        alert = None
        fired = 0
        for i, point in enumerate(points):
            if i == step:
                spec = AlertSpec("BTC", condition, target)
                alert = store.create_alert(new_alert(spec, owner, config, point.updated_at - 1))
            fired += fire_due_alerts(store, [point], point.updated_at) if alert else 0
        if alert is None:  # created after the last price: nothing may fire
            alert = store.create_alert(new_alert(AlertSpec("BTC", condition, target), owner, config, START))
        first = next((p for p in points[step:] if meets(condition, target, p.price, p.change_24h)), None)
        expected = first is not None
        stored = store.get_alert(alert.id)
        assert stored is not None
        sent = store.list_notifications(alert_id=alert.id).items
        assert fired <= 1 and len(sent) == fired == stored.trigger_count
        assert (fired == 1) == expected
        assert stored.status == (AlertStatus.TRIGGERED if expected else AlertStatus.ACTIVE)
        assert stored.last_triggered_at == (first.updated_at if first else None)
        store.cancel_alert(alert.id)  # keep later examples' active set small

    try:
        check()
    finally:
        store.close()
