"""The stream's alert index fires exactly what the cycle's rule would fire on any of the prices
gathered in a window: the bisection and the coalescing lose nothing and add nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared.alerts import should_fire
from shared.models import Alert, AlertStatus, Channel, Condition, PricePoint
from updater.stream.book import AlertBook, Window

AT = 1_800_000_000
PAIRS = [("BTC", "usd"), ("ETH", "usd")]

alerts = st.builds(
    lambda n, pair, condition, target, repeat, fired_ago, status: Alert(
        id=f"alr_{n}", user_id="usr_ada", symbol=pair[0], currency=pair[1], condition=condition,
        target=target, channel=Channel.EMAIL, destination="ada@example.com", created_at=AT - 10_000,
        status=status, repeat=repeat, cooldown_seconds=3600,
        last_triggered_at=None if fired_ago is None else AT - fired_ago,
    ),
    st.integers(0, 10**9),
    st.sampled_from(PAIRS),
    st.sampled_from(list(Condition)),
    st.floats(1, 200),
    st.booleans(),
    st.none() | st.integers(0, 7200),
    st.sampled_from([AlertStatus.ACTIVE, AlertStatus.ACTIVE, AlertStatus.TRIGGERED]),
)
prices = st.tuples(st.sampled_from(PAIRS), st.floats(1, 200), st.none() | st.floats(-150, 150))


@given(st.lists(alerts, max_size=40, unique_by=lambda a: a.id), st.lists(prices, min_size=1, max_size=12))
def test_the_index_fires_what_a_full_pass_over_every_price_would(
    book_alerts: list[Alert], ticks: list[tuple[tuple[str, str], float, float | None]]
) -> None:
    points = [PricePoint(pair[0], pair[1], price, change, AT, "test") for pair, price, change in ticks]
    windows: dict[tuple[str, str], Window] = {}
    for point in points:
        pair = (point.symbol, point.currency)
        windows[pair] = Window.of(point) if pair not in windows else windows[pair].add(point)
    book = AlertBook([a for a in book_alerts if a.status == AlertStatus.ACTIVE])

    fired = {alert.id for pair, window in windows.items() for alert, _ in book.due(pair, window, AT)}

    expected = {a.id for a in book_alerts if any(should_fire(a, point, AT) for point in points)}
    assert fired == expected
