"""Prices (latest and history) and the updater's status record."""

from __future__ import annotations

import msgspec

from shared.models import SIMULATED_SOURCE, PricePoint, UpdateError, UpdateStatus
from shared.store.base import Store
from tests.contract.builders import NOW


def point(symbol: str, price: float, at: int, currency: str = "usd") -> PricePoint:
    return PricePoint(symbol, currency, price, -1.25, at, "coingecko")


def test_an_empty_store_has_no_prices_history_or_status(store: Store) -> None:
    assert store.latest_prices() == []
    assert store.price_history("BTC", "usd", 0, NOW) == []
    assert store.update_status() is None


def test_latest_holds_the_newest_point_of_each_symbol_and_currency(store: Store) -> None:
    store.put_prices([point("BTC", 97_000.5, NOW - 300), point("ETH", 3_400.0, NOW - 300)])
    store.put_prices(
        [point("BTC", 97_100.25, NOW), point("ETH", 3_410.0, NOW), point("BTC", 89_000.0, NOW, "eur")]
    )

    latest = sorted(store.latest_prices(), key=lambda p: (p.symbol, p.currency))

    assert latest == [
        point("BTC", 89_000.0, NOW, "eur"),
        point("BTC", 97_100.25, NOW),
        point("ETH", 3_410.0, NOW),
    ]


def test_an_older_point_goes_to_history_but_does_not_replace_the_latest(store: Store) -> None:
    store.put_prices([point("BTC", 97_000.0, NOW)])
    store.put_prices([point("BTC", 95_000.0, NOW - 600)])

    assert store.latest_prices() == [point("BTC", 97_000.0, NOW)]
    assert store.price_history("BTC", "usd", NOW - 600, NOW) == [
        point("BTC", 95_000.0, NOW - 600),
        point("BTC", 97_000.0, NOW),
    ]


def test_points_round_trip_with_a_missing_change_and_their_source(store: Store) -> None:
    quiet = PricePoint("DOGE", "usd", 0.123456789, None, NOW, "binance")
    store.put_prices([quiet])

    assert store.latest_prices() == [quiet]
    assert store.price_history("DOGE", "usd", NOW, NOW) == [quiet]


def test_writing_the_same_points_again_changes_nothing(store: Store) -> None:
    batch = [point("BTC", 97_000.0, NOW - 300), point("BTC", 97_100.0, NOW)]
    store.put_prices(batch)
    store.put_prices(batch)
    store.put_prices(batch[1:])

    assert store.price_history("BTC", "usd", 0, NOW) == batch
    assert store.latest_prices() == [batch[1]]


def test_writing_nothing_is_allowed(store: Store) -> None:
    store.put_prices([])

    assert store.latest_prices() == []


def test_history_is_one_symbol_and_currency_within_inclusive_bounds_oldest_first(
    store: Store,
) -> None:
    times = [NOW - 300 * i for i in range(6)]
    store.put_prices([point("BTC", 90_000.0 + i, at) for i, at in enumerate(times)])
    store.put_prices([point("ETH", 3_000.0, at) for at in times])
    store.put_prices([point("BTC", 80_000.0, at, "eur") for at in times])

    history = store.price_history("BTC", "usd", times[4], times[1])

    assert [p.updated_at for p in history] == [times[4], times[3], times[2], times[1]]
    assert {(p.symbol, p.currency) for p in history} == {("BTC", "usd")}
    assert store.price_history("BTC", "usd", NOW + 1, NOW + 600) == []
    assert store.price_history("XRP", "usd", 0, NOW) == []


def test_a_history_limit_keeps_the_newest_points_still_oldest_first(store: Store) -> None:
    times = [NOW - 300 * i for i in range(10)]
    store.put_prices([point("BTC", 90_000.0, at) for at in times])

    history = store.price_history("BTC", "usd", 0, NOW, limit=3)

    assert [p.updated_at for p in history] == [NOW - 600, NOW - 300, NOW]
    assert len(store.price_history("BTC", "usd", 0, NOW, limit=100)) == 10


def status(
    ok: bool,
    at: int,
    *,
    source: str = "coingecko",
    error: str | None = None,
    error_code: UpdateError | None = None,
    last_success_at: int | None = None,
) -> UpdateStatus:
    return UpdateStatus(
        ok=ok,
        source=source,
        started_at=at - 2,
        finished_at=at,
        symbols_updated=10 if ok else 0,
        error=error,
        last_success_at=last_success_at,
        error_code=error_code,
    )


def test_deleting_one_sources_history_keeps_the_rest(store: Store) -> None:
    simulated = [msgspec.structs.replace(point("BTC", 65_000.0 + i, NOW - 9000 + 300 * i), source=SIMULATED_SOURCE)
                 for i in range(30)]  # more than one batch of 25
    real = [point("BTC", 97_000.0, NOW), point("BTC", 97_100.0, NOW + 60)]
    other = msgspec.structs.replace(simulated[0], currency="eur")
    store.put_prices([*simulated, *real, other])

    assert store.delete_history("BTC", "usd", SIMULATED_SOURCE) == 30

    assert store.price_history("BTC", "usd", 0, NOW + 60) == real
    assert store.price_history("BTC", "eur", 0, NOW) == [other]
    assert store.delete_history("BTC", "usd", SIMULATED_SOURCE) == 0


def test_a_successful_update_is_stored_and_returned(store: Store) -> None:
    recorded = store.record_update(status(True, NOW, last_success_at=NOW))

    assert recorded == status(True, NOW, last_success_at=NOW)
    assert store.update_status() == recorded


def test_the_price_snapshot_is_the_latest_prices_and_the_update_status_together(store: Store) -> None:
    assert store.price_snapshot() == ([], None)

    store.put_prices([point("BTC", 97_000.5, NOW), point("ETH", 3_400.0, NOW), point("BTC", 89_000.0, NOW, "eur")])
    assert store.price_snapshot() == (store.latest_prices(), None)

    recorded = store.record_update(status(True, NOW, last_success_at=NOW))
    latest, current = store.price_snapshot()
    assert sorted(latest, key=lambda p: (p.symbol, p.currency)) == [
        point("BTC", 89_000.0, NOW, "eur"),
        point("BTC", 97_000.5, NOW),
        point("ETH", 3_400.0, NOW),
    ]
    assert current == recorded


def test_a_successful_update_without_last_success_counts_as_one_when_it_finished(
    store: Store,
) -> None:
    recorded = store.record_update(status(True, NOW))

    assert recorded.last_success_at == NOW
    assert store.update_status() == recorded


def test_a_failed_update_keeps_the_last_success_of_the_previous_record(store: Store) -> None:
    store.record_update(status(True, NOW - 300, last_success_at=NOW - 300))

    sent = status(False, NOW, error="coingecko: 429", error_code=UpdateError.UPSTREAM_RATE_LIMITED, source="binance")
    failed = store.record_update(sent)

    assert failed == msgspec.structs.replace(sent, last_success_at=NOW - 300)
    assert store.update_status() == failed
    again = store.record_update(status(False, NOW + 300, error="timeout"))
    assert again.last_success_at == NOW - 300


def test_a_first_update_that_failed_has_no_last_success(store: Store) -> None:
    failed = store.record_update(status(False, NOW, error="timeout"))

    assert failed.ok is False
    assert failed.last_success_at is None
    assert store.update_status() == failed


def test_a_success_after_failures_moves_last_success_forward(store: Store) -> None:
    store.record_update(status(True, NOW - 600, last_success_at=NOW - 600))
    store.record_update(status(False, NOW - 300, error="timeout", error_code=UpdateError.UPSTREAM_TIMEOUT))

    recovered = store.record_update(status(True, NOW, last_success_at=NOW))

    assert store.update_status() == recovered
    assert recovered.last_success_at == NOW
    assert recovered.error is None and recovered.error_code is None


def test_a_closed_market_price_keeps_its_flag_in_latest_and_history(store: Store) -> None:
    close = msgspec.structs.replace(point("AAPL", 189.84, NOW), source="yahoo", closed=True)
    store.put_prices([close, point("BTC", 97_000.0, NOW)])

    latest = {p.symbol: p for p in store.latest_prices()}

    assert latest["AAPL"] == close and latest["AAPL"].closed is True
    assert latest["BTC"].closed is False
    assert store.price_history("AAPL", "usd", NOW - 60, NOW) == [close]
