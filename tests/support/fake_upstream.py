"""A local stand-in for CoinGecko and Binance, served by a real uvicorn on 127.0.0.1.

It answers CoinGecko's `/api/v3/simple/price` and Binance's `/api/v3/ticker/24hr` in their
real formats from prices a test sets, and can be told per route to time out, answer 429 with
Retry-After, 500, or a malformed body, for a number of requests or for good. Every request is
recorded (path, query, headers) so tests can check the key header and the batching.

    with running_fake_upstream() as fake:
        fake.set_price("BTC", usd=67_000.0, eur=62_000.0, change=1.5)
        fake.fail("coingecko", Fault.status(429, retry_after="1"), times=1)
        settings = fake.settings(tmp_path)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shared.config import Settings
from shared.symbols import COINS, binance_base
from tests.support.server import serve
from updater.sources.http import RESTING

RouteName = Literal["coingecko", "binance"]
ROUTES: dict[RouteName, str] = {
    "coingecko": "/api/v3/simple/price",
    "binance": "/api/v3/ticker/24hr",
}


@dataclass(frozen=True, slots=True)
class Fault:
    """What a route does instead of answering: sleep (a timeout), a status, or garbage."""

    kind: Literal["sleep", "status", "body"]
    status: int = 200
    seconds: float = 0.0
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def timeout(cls, seconds: float = 30.0) -> Fault:
        """Hold the request `seconds` (longer than the client's timeout), then answer 504; held
        requests are let go when the server shuts down."""
        return cls("sleep", status=504, seconds=seconds)

    @classmethod
    def error(cls, status: int, *, retry_after: str | None = None) -> Fault:
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        return cls("status", status=status, body='{"error": "fake upstream"}', headers=headers)

    @classmethod
    def malformed(cls, body: str = '{"bitcoin": {"usd": 1') -> Fault:
        """A 200 whose body is not what the API promises (truncated JSON by default)."""
        return cls("body", body=body)


@dataclass(slots=True)
class Recorded:
    route: RouteName
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


@dataclass(slots=True)
class _Quote:
    #: None: CoinGecko's `null` for a coin it no longer prices.
    price: float | None
    change: float | None
    updated_at: int


@dataclass
class FakeUpstream:
    url: str = ""
    #: symbol -> currency -> quote
    quotes: dict[str, dict[str, _Quote]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    _faults: dict[RouteName, list[Fault]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: Set on shutdown so held ("timing out") requests end instead of delaying the exit.
    _closing: threading.Event = field(default_factory=threading.Event)
    #: Bumped by reset(), which also lets go of requests held for an earlier test.
    _generation: int = 0

    # --- what tests call ------------------------------------------------------------------
    def set_price(
        self,
        symbol: str,
        *,
        change: float | None = 0.0,
        updated_at: int | None = None,
        **prices: float | None,
    ) -> None:
        """Quote `symbol` in each currency given as a keyword (usd=..., eur=...); None is sent
        as CoinGecko's `null` (and such a pair is unknown to Binance)."""
        at = int(time.time()) if updated_at is None else updated_at
        with self._lock:
            book = self.quotes.setdefault(symbol, {})
            for currency, price in prices.items():
                book[currency] = _Quote(price, change, at)

    def fail(self, route: RouteName, fault: Fault, *, times: int = 1_000_000) -> None:
        """Answer the next `times` requests to `route` with `fault` (queued after earlier ones)."""
        with self._lock:
            self._faults.setdefault(route, []).extend([fault] * times)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget prices, faults and recorded requests: a clean upstream for the next test."""
        with self._lock:
            self.quotes.clear()
            self._faults.clear()
            self.requests.clear()
            self._generation += 1

    def requests_to(self, route: RouteName) -> list[Recorded]:
        return [request for request in list(self.requests) if request.route == route]

    def settings(self, data_dir: Path, **overrides: object) -> Settings:
        """Settings pointing both sources here, with a store in `data_dir` and short timeouts."""
        base = Settings(
            data_dir=data_dir,
            sqlite_path=data_dir / "cryptowatch.db",
            external_api_url=f"{self.url}/api/v3",
            binance_api_url=self.url,
            # never the real stock sources: here both answer 404, so no stock is priced
            stock_api_url=self.url,
            stock_fallback_api_url=self.url,
            upstream_timeout_seconds=0.5,
        )
        return replace(base, **overrides)  # type: ignore[arg-type]

    # --- the ASGI app -----------------------------------------------------------------------
    def _take_fault(self, route: RouteName) -> Fault | None:
        with self._lock:
            queue = self._faults.get(route)
            return queue.pop(0) if queue else None

    async def _answer(self, request: Request, route: RouteName) -> Response | None:
        self.requests.append(
            Recorded(
                route=route,
                path=request.url.path,
                query=dict(request.query_params),
                headers=dict(request.headers),
                at=time.monotonic(),
            )
        )
        fault = self._take_fault(route)
        if fault is None:
            return None
        if fault.kind == "sleep":
            deadline, generation = time.monotonic() + fault.seconds, self._generation
            while time.monotonic() < deadline and not self._released(generation):
                await asyncio.sleep(0.01)
        media = "application/json"
        return Response(fault.body, status_code=fault.status, headers=dict(fault.headers), media_type=media)

    def _released(self, generation: int) -> bool:
        return self._closing.is_set() or generation != self._generation

    async def coingecko(self, request: Request) -> Response:
        faulted = await self._answer(request, "coingecko")
        if faulted is not None:
            return faulted
        ids = [part for part in request.query_params.get("ids", "").split(",") if part]
        currencies = request.query_params.get("vs_currencies", "").split(",")
        with_change = request.query_params.get("include_24hr_change") == "true"
        with_time = request.query_params.get("include_last_updated_at") == "true"
        symbols_of: dict[str, list[str]] = {}
        for symbol, coin in COINS.items():  # an id may have an old ticker too (RNDR, RENDER)
            symbols_of.setdefault(coin.coingecko, []).append(symbol)
        body: dict[str, dict[str, float | int | None]] = {}
        with self._lock:
            for coin_id in ids:
                quoted = [s for s in symbols_of.get(coin_id, [coin_id.upper()]) if s in self.quotes]
                book = self.quotes[quoted[0]] if quoted else {}
                entry: dict[str, float | int | None] = {}
                for currency in currencies:
                    if currency in book:
                        quote = book[currency]
                        entry[currency] = quote.price
                        if with_change:
                            entry[f"{currency}_24h_change"] = quote.change
                        if with_time:
                            entry["last_updated_at"] = quote.updated_at
                if entry:
                    body[coin_id] = entry
        # Python's json writes NaN/Infinity literals, as a misbehaving upstream might.
        return Response(json.dumps(body), media_type="application/json")

    async def binance(self, request: Request) -> Response:
        faulted = await self._answer(request, "binance")
        if faulted is not None:
            return faulted
        try:
            pairs = json.loads(request.query_params.get("symbols", "[]"))
        except json.JSONDecodeError:
            pairs = None
        if not isinstance(pairs, list):
            return Response('{"code":-1100,"msg":"Illegal characters found in parameter."}', 400)
        tickers = []
        with self._lock:
            known = {
                f"{binance_base(symbol)}{'USDT' if currency == 'usd' else currency.upper()}": quote
                for symbol, book in self.quotes.items()
                if binance_base(symbol) is not None
                for currency, quote in book.items()
                if quote.price is not None
            }
            for pair in pairs:
                if pair not in known:  # as Binance: one unknown pair fails the whole batch
                    return Response('{"code":-1121,"msg":"Invalid symbol."}', 400)
                quote = known[pair]
                tickers.append(
                    {
                        "symbol": pair,
                        "lastPrice": f"{quote.price:.8f}",
                        "priceChangePercent": "0.000" if quote.change is None else f"{quote.change:.3f}",
                        "openTime": (quote.updated_at - 86_400) * 1000,
                        "closeTime": quote.updated_at * 1000 + 123,
                    }
                )
        return Response(json.dumps(tickers), media_type="application/json")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(ROUTES["coingecko"], self.coingecko),
                Route(ROUTES["binance"], self.binance),
            ]
        )


@contextlib.contextmanager
def running_fake_upstream() -> Iterator[FakeUpstream]:
    """A fake upstream on a free loopback port for the duration of the block."""
    fake = FakeUpstream()
    RESTING.clear()  # the updater was told to stay away from a port that may be used again
    with serve(fake.app(), lifespan="off") as server:
        fake.url = server.url
        try:
            yield fake
        finally:
            fake._closing.set()
