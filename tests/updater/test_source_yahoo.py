"""Reading Yahoo's chart answers: the fields used, the session, and malformed answers."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from shared.models import PricePoint, UpdateError
from tests.support.fake_yahoo import FakeYahoo
from updater.sources.base import SourceError
from updater.sources.http import RetryPolicy
from updater.sources.yahoo import YahooChartSource

NOW = 1_733_300_000


def fetch(answer: Any, symbols: tuple[str, ...] = ("AAPL",), currencies: tuple[str, ...] = ("usd",),
          status: int = 200) -> list[PricePoint]:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path.startswith("/v8/finance/chart/")
        assert dict(request.url.params) == {"range": "1d", "interval": "1d"}
        if isinstance(answer, str):
            return httpx.Response(status, text=answer)
        return httpx.Response(status, json=answer)

    async def go() -> list[PricePoint]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            source = YahooChartSource(client, "http://yahoo.test", retry=RetryPolicy(attempts=1), clock=lambda: NOW)
            return await source.fetch(symbols, currencies)

    return asyncio.run(go())


def chart(price: float = 189.84, *, session: tuple[int, int] = (NOW - 3600, NOW + 3600), currency: str = "USD",
          **meta: Any) -> dict[str, Any]:
    fake = FakeYahoo(session=session)
    fake.set_stock("AAPL", price, previous_close=180.0, currency=currency, traded_at=NOW - 60)
    body = fake.chart_body("AAPL", fake.stocks["AAPL"])
    body["chart"]["result"][0]["meta"].update(meta)  # type: ignore[index]
    return body


def test_an_open_market_quote_is_live_and_timed_by_its_trade() -> None:
    (point,) = fetch(chart())

    assert (point.symbol, point.currency, point.price, point.source) == ("AAPL", "usd", 189.84, "yahoo")
    assert point.change_24h == pytest.approx((189.84 / 180.0 - 1) * 100)
    assert point.updated_at == NOW - 60 and point.closed is False


def test_after_the_session_the_close_is_marked_and_timed_now() -> None:
    (point,) = fetch(chart(session=(NOW - 30_000, NOW - 6_600)))

    assert point.closed is True and point.updated_at == NOW


def test_a_quote_in_a_currency_not_offered_is_left_out() -> None:
    assert fetch(chart(currency="EUR")) == []


def test_unknown_symbols_fail_the_fetch_only_when_nothing_was_priced() -> None:
    missing = '{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found"}}}'

    with pytest.raises(SourceError) as failed:
        fetch(missing, status=404)

    assert failed.value.code is UpdateError.UPSTREAM_REFUSED


@pytest.mark.parametrize(
    "answer",
    [
        '{"chart": {"result": [',
        {"chart": {"result": [], "error": None}},
        {"chart": {"result": [{"meta": "nope"}], "error": None}},
        chart(regularMarketPrice=None),
        chart(regularMarketTime="yesterday"),
        [1, 2, 3],
    ],
)
def test_a_malformed_answer_is_a_source_error(answer: Any) -> None:
    with pytest.raises(SourceError):
        fetch(answer)
