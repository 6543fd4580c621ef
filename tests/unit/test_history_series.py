"""Sampling a sparkline from a month of points held in memory."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from api.history_series import SPANS, Series, SeriesBook
from shared.ids import now
from shared.limits import MAX_HISTORY_HOURS
from shared.models import PricePoint
from shared.store.sqlite import SQLiteStore


@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=40), st.integers(2, 30), st.integers(0, 9_000))
def test_sampling_never_invents_prices(times: list[int], count: int, start: int) -> None:
    ordered = sorted(times)
    end, interval = 10_000, 300
    series = Series(0, end, None, ordered, [float(t + 1) for t in ordered], False)  # type: ignore[arg-type]
    sampled = series.sample(start, interval, count)
    assert len(sampled) == count
    for index, value in enumerate(sampled):
        slot = end - interval * (count - 1 - index)
        earlier = [t for t in times if start <= t <= slot]
        assert value == (float(max(earlier) + 1) if earlier else None)


def test_a_series_holds_its_span_up_to_its_minute(sqlite_store: SQLiteStore) -> None:
    end = now() - 60
    sqlite_store.put_prices([
        PricePoint("BTC", "usd", price, None, at, "coingecko")
        for price, at in ((1.0, end - 30 * 86_400 - 60), (2.0, end - 86_400), (3.0, end), (4.0, end + 30))
    ])
    series = Series.read(sqlite_store, "BTC", "usd", end - 30 * 86_400, end, latest_at=end + 30)
    assert (list(series.times), list(series.prices)) == ([end - 86_400, end], [2.0, 3.0])


class CountingStore(SQLiteStore):
    """A real SQLite store that counts its history reads."""

    reads = 0

    def price_history(self, *args: object, **kwargs: object) -> list[PricePoint]:  # type: ignore[override]
        self.reads += 1
        return super().price_history(*args, **kwargs)  # type: ignore[arg-type]


def test_every_shape_of_a_minute_costs_at_most_three_reads(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "cryptowatch.db")
    store.init()
    end = now() - now() % 60
    book = SeriesBook(store)

    async def every_shape() -> None:
        for hours in range(1, MAX_HISTORY_HOURS + 1, 7):
            for points in (2, 24, 96):
                interval = max(60, hours * 3600 // points)
                await book.series("BTC", "usd", end - interval * points, end, latest_at=end)

    asyncio.run(every_shape())
    store.close()
    assert store.reads <= len(SPANS)
