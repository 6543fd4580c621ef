"""A local stand-in for Stooq's quote CSV, served by a real uvicorn on 127.0.0.1.

`GET /q/l/?s=aapl.us&f=sd2t2ohlcv&h&e=csv` answers as Stooq does (public samples of this
endpoint were the model): the header `Symbol,Date,Time,Open,High,Low,Close,Volume` and one row,
the symbol upper-cased, date and time in Warsaw local time, CRLF line ends; a symbol it does not
know gets a 200 with the row `ZZZZ.US,N/D,N/D,N/D,N/D,N/D,N/D,N/D`, and a spent quota the text
"Exceeded the daily hits limit" (`spend_quota`). Faults are those of `fake_upstream.Fault`.

    with running_fake_stooq() as stooq:
        stooq.set_stock("aapl.us", 242.65, traded_at=...)
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.fake_upstream import Fault
from tests.support.server import serve

HEADER = "Symbol,Date,Time,Open,High,Low,Close,Volume"
WARSAW = ZoneInfo("Europe/Warsaw")


def quote_csv(name: str, price: float | None, traded_at: int = 0) -> str:
    """Stooq's answer for `name` (`aapl.us`): its quote, or the N/D row when `price` is None."""
    if price is None:
        row = ",".join([name.upper(), *["N/D"] * 7])
    else:
        local = datetime.fromtimestamp(traded_at, WARSAW)
        row = f"{name.upper()},{local:%Y-%m-%d},{local:%H:%M:%S},{price},{price},{price},{price},38861017"
    return f"{HEADER}\r\n{row}\r\n"


@dataclass
class FakeStooq:
    url: str = ""
    #: Stooq's symbol (`aapl.us`) -> (price, traded at).
    stocks: dict[str, tuple[float, int]] = field(default_factory=dict)
    #: The query strings asked, as sent.
    requests: list[str] = field(default_factory=list)
    quota_spent: bool = False
    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def set_stock(self, name: str, price: float, *, traded_at: int | None = None) -> None:
        with self._lock:
            self.stocks[name] = (price, int(time.time()) if traded_at is None else traded_at)

    def fail(self, fault: Fault, *, times: int = 1_000_000) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def reset(self) -> None:
        with self._lock:
            self.stocks.clear()
            self._faults.clear()
            self.requests.clear()
            self.quota_spent = False

    async def quote(self, request: Request) -> Response:
        name = request.query_params.get("s", "")
        with self._lock:
            self.requests.append(request.url.query)
            fault = self._faults.pop(0) if self._faults else None
            stock = self.stocks.get(name)
        if fault is not None:
            return Response(fault.body, fault.status, dict(fault.headers), media_type="text/plain")
        if self.quota_spent:
            return Response("Exceeded the daily hits limit", media_type="text/html")
        price, traded_at = stock if stock is not None else (None, 0)
        return Response(quote_csv(name, price, traded_at), media_type="text/csv")

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/q/l/", self.quote)])


@contextlib.contextmanager
def running_fake_stooq() -> Iterator[FakeStooq]:
    fake = FakeStooq()
    with serve(fake.app(), lifespan="off") as server:
        fake.url = server.url
        yield fake
