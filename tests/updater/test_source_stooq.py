"""Reading Stooq's quote CSV: the URL asked, the row used, N/D for an unknown symbol, a spent
quota, the New York session, and anything that is not Stooq's answer."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from shared.models import PricePoint, UpdateError
from tests.support.fake_stooq import quote_csv
from updater.sources.base import SourceError
from updater.sources.http import RetryPolicy
from updater.sources.stooq import StooqQuoteSource

NEW_YORK = ZoneInfo("America/New_York")
#: Tuesday 3 December 2024, 11:00 in New York: the regular session is open.
OPEN = int(datetime(2024, 12, 3, 11, 0, tzinfo=NEW_YORK).timestamp())


def fetch(answer: str, symbols: tuple[str, ...] = ("AAPL",), currencies: tuple[str, ...] = ("usd",),
          now: int = OPEN, asked: list[str] | None = None) -> list[PricePoint]:
    def handler(request: httpx.Request) -> httpx.Response:
        if asked is not None:
            asked.append(str(request.url))
        return httpx.Response(200, text=answer)

    async def go() -> list[PricePoint]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            source = StooqQuoteSource(client, "http://stooq.test/", retry=RetryPolicy(attempts=1), clock=lambda: now)
            return await source.fetch(symbols, currencies)

    return asyncio.run(go())


def test_a_quote_in_session_is_a_live_usd_price_timed_by_its_trade() -> None:
    asked: list[str] = []

    (point,) = fetch(quote_csv("brk-b.us", 242.65, OPEN - 60), symbols=("BRK-B",), asked=asked)

    assert asked == ["http://stooq.test/q/l/?s=brk-b.us&f=sd2t2ohlcv&h&e=csv"]
    assert (point.symbol, point.currency, point.price, point.source) == ("BRK-B", "usd", 242.65, "stooq")
    assert point.change_24h is None  # Stooq names no previous close: unknown, not guessed
    assert point.updated_at == OPEN - 60 and point.closed is False


def test_the_time_is_read_as_warsaw_time() -> None:
    # the real sample's 22:00:04 in Warsaw is 16:00:04 in New York
    body = "Symbol,Date,Time,Open,High,Low,Close,Volume\r\nAAPL.US,2024-12-03,17:00:04,1,1,1,239.5,100\r\n"

    (point,) = fetch(body)

    assert point.updated_at == OPEN + 4 and point.price == 239.5


@pytest.mark.parametrize(
    ("now", "why"),
    [
        (OPEN + 6 * 3600, "after the session"),
        (OPEN + 4 * 86_400, "on a Saturday"),
        (OPEN + 86_400, "a weekday without a trade yet (a holiday)"),
    ],
)
def test_outside_the_session_the_close_is_marked_and_timed_now(now: int, why: str) -> None:
    (point,) = fetch(quote_csv("aapl.us", 239.5, OPEN), now=now)

    assert point.closed is True and point.updated_at == now, why


def test_an_unknown_symbol_is_refused() -> None:
    with pytest.raises(SourceError, match="N/D") as failed:
        fetch(quote_csv("zzzz.us", None))

    assert failed.value.code is UpdateError.UNSUPPORTED


def test_a_spent_quota_is_a_rate_limit() -> None:
    with pytest.raises(SourceError) as failed:
        fetch("Exceeded the daily hits limit")

    assert failed.value.code is UpdateError.UPSTREAM_RATE_LIMITED


def test_only_us_listings_in_usd_are_asked_for() -> None:
    asked: list[str] = []

    assert fetch(quote_csv("ry.to", 1.0, OPEN), symbols=("RY.TO",), asked=asked) == []
    assert fetch(quote_csv("aapl.us", 1.0, OPEN), currencies=("eur",), asked=asked) == []
    assert asked == []


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "<html>maintenance</html>",
        "Symbol,Date,Time,Open,High,Low,Close\r\nAAPL.US,2024-12-03,17:00:04,1,1,1,2\r\n",
        "Symbol,Date,Time,Open,High,Low,Close,Volume\r\nAAPL.US,2024-12-03,17:00:04,1,1,1,abc,1\r\n",
        "Symbol,Date,Time,Open,High,Low,Close,Volume\r\nAAPL.US,yesterday,17:00:04,1,1,1,2,1\r\n",
        "Symbol,Date,Time,Open,High,Low,Close,Volume\r\nAAPL.US,2024-12-03,17:00:04,1,1,1,2,1\r\nX,1,2\r\n",
    ],
)
def test_anything_but_stooqs_csv_is_a_source_error(answer: str) -> None:
    with pytest.raises(SourceError):
        fetch(answer)
