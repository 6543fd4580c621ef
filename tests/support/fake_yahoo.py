"""A local stand-in for Yahoo Finance's chart endpoint, served by a real uvicorn on 127.0.0.1.

`GET /v8/finance/chart/{symbol}` answers in the real format (a documented NVDA answer to
`?interval=1d&range=5d` was the model: `chart.result[0].meta` with `currency`, `symbol`,
`regularMarketPrice`, `regularMarketTime`, `chartPreviousClose`, `previousClose` and
`currentTradingPeriod.{pre,regular,post}`, then `timestamp` and `indicators.quote`); an unknown
symbol gets Yahoo's 404 `{"chart":{"result":null,"error":{"code":"Not Found",...}}}`, and a
429 Yahoo's plain-text "Too Many Requests". Faults are those of `fake_upstream.Fault`.

    with running_fake_yahoo() as yahoo:
        yahoo.set_stock("AAPL", 189.84, previous_close=187.5)
        yahoo.close_market()                      # the session ended an hour ago
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.fake_upstream import Fault
from tests.support.server import serve

CHART_PATH = "/v8/finance/chart/{symbol}"
NOT_FOUND = {
    "chart": {"result": None, "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"}}
}
SESSION_SECONDS = 23_400  # 09:30-16:00 New York


@dataclass(slots=True)
class _Stock:
    price: float
    previous_close: float
    currency: str
    traded_at: int


@dataclass
class FakeYahoo:
    url: str = ""
    stocks: dict[str, _Stock] = field(default_factory=dict)
    #: The regular session's (start, end) that every answer names; open now unless told otherwise.
    session: tuple[int, int] = (0, 0)
    requests: list[str] = field(default_factory=list)
    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set_stock(
        self, symbol: str, price: float, *, previous_close: float | None = None, currency: str = "USD",
        traded_at: int | None = None,
    ) -> None:
        with self._lock:
            self.stocks[symbol] = _Stock(
                price, price if previous_close is None else previous_close, currency,
                int(time.time()) if traded_at is None else traded_at,
            )

    def open_market(self) -> None:
        """A session that started an hour ago and ends in five and a half."""
        now = int(time.time())
        self.session = (now - 3600, now - 3600 + SESSION_SECONDS)

    def close_market(self) -> None:
        """A session that ended an hour ago."""
        now = int(time.time())
        self.session = (now - 3600 - SESSION_SECONDS, now - 3600)

    def fail(self, fault: Fault, *, times: int = 1_000_000) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def reset(self) -> None:
        with self._lock:
            self.stocks.clear()
            self._faults.clear()
            self.requests.clear()
        self.open_market()

    def chart_body(self, symbol: str, stock: _Stock) -> dict[str, object]:
        start, end = self.session
        period = {"timezone": "EST", "gmtoffset": -18_000}
        meta = {
            "currency": stock.currency,
            "symbol": symbol,
            "exchangeName": "NMS",
            "instrumentType": "EQUITY",
            "firstTradeDate": 345_479_400,
            "regularMarketTime": stock.traded_at,
            "gmtoffset": -18_000,
            "timezone": "EST",
            "exchangeTimezoneName": "America/New_York",
            "regularMarketPrice": stock.price,
            "chartPreviousClose": stock.previous_close,
            "previousClose": stock.previous_close,
            "scale": 3,
            "priceHint": 2,
            "currentTradingPeriod": {
                "pre": {**period, "start": start - 19_800, "end": start},
                "regular": {**period, "start": start, "end": end},
                "post": {**period, "start": end, "end": end + 14_400},
            },
            "dataGranularity": "1d",
            "range": "1d",
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
        }
        return {
            "chart": {
                "result": [
                    {
                        "meta": meta,
                        "timestamp": [start],
                        "indicators": {
                            "quote": [
                                {
                                    "close": [stock.price],
                                    "open": [stock.previous_close],
                                    "high": [max(stock.price, stock.previous_close)],
                                    "low": [min(stock.price, stock.previous_close)],
                                    "volume": [45_213_100],
                                }
                            ],
                            "adjclose": [{"adjclose": [stock.price]}],
                        },
                    }
                ],
                "error": None,
            }
        }

    async def chart(self, request: Request) -> Response:
        symbol = request.path_params["symbol"]
        with self._lock:
            self.requests.append(symbol)
            fault = self._faults.pop(0) if self._faults else None
            stock = self.stocks.get(symbol)
        if fault is not None:
            if fault.status == 429:
                return Response("Too Many Requests\r\n", 429, dict(fault.headers), media_type="text/plain")
            return Response(fault.body, fault.status, dict(fault.headers), media_type="application/json")
        if stock is None:
            return Response(json.dumps(NOT_FOUND), 404, media_type="application/json")
        return Response(json.dumps(self.chart_body(symbol, stock)), media_type="application/json")

    def app(self) -> Starlette:
        return Starlette(routes=[Route(CHART_PATH, self.chart)])


@contextlib.contextmanager
def running_fake_yahoo() -> Iterator[FakeYahoo]:
    fake = FakeYahoo()
    fake.open_market()
    with serve(fake.app(), lifespan="off") as server:
        fake.url = server.url
        yield fake
