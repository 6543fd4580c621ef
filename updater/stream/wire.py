"""Binance's market stream format, as documented in binance-spot-api-docs `web-socket-streams.md`.

A combined-stream connection (`/stream`) wraps each event as `{"stream": name, "data": event}`;
a raw one (`/ws`) sends the event alone. The events read here are `24hrMiniTicker` (`e`, `E` event
time in ms, `s` pair, `c` last price, `o` the price 24 h ago, `h`, `l`, `v`, `q` as decimal
strings) and `serverShutdown`. Requests are `{"method": "SUBSCRIBE" | "UNSUBSCRIBE", "params":
[names], "id": n}`, answered with `{"result": null, "id": n}` or `{"code": c, "msg": text, "id":
n}`. Stream names are lower-case: `btcusdt@miniTicker`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

MINI_TICKER = "24hrMiniTicker"
SERVER_SHUTDOWN = "serverShutdown"
#: Binance listens to at most this many streams on one connection.
MAX_STREAMS = 1024


class Malformed(ValueError):
    """A message that is not one of Binance's: counted and dropped, never fatal."""


@dataclass(frozen=True, slots=True)
class Tick:
    pair: str  # upper-case, as in `s`: "BTCUSDT"
    price: float
    open_24h: float
    at_ms: int

    @property
    def change_24h(self) -> float | None:
        """Percent change over the rolling 24 h, as the REST ticker's priceChangePercent."""
        return (self.price - self.open_24h) / self.open_24h * 100 if self.open_24h > 0 else None


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer to a request of ours; `error` is Binance's `msg` when it refused it."""

    id: int | str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Shutdown:
    """The server is about to close this connection: move to a new one now."""


Message = Tick | Reply | Shutdown


def stream_name(pair: str) -> str:
    return f"{pair.lower()}@miniTicker"


def request(method: str, names: Iterable[str], request_id: int) -> str:
    return orjson.dumps({"method": method, "params": sorted(names), "id": request_id}).decode()


def _decimal(event: dict[str, Any], field: str) -> float:
    raw = event.get(field)
    if not isinstance(raw, str):
        raise Malformed(f"{field!r} is not a decimal string")
    try:
        value = float(raw)
    except ValueError:
        raise Malformed(f"{field!r} is not a number: {raw[:40]!r}") from None
    if not math.isfinite(value):
        raise Malformed(f"{field!r} is {value}")
    return value


def _event(event: Any) -> Message:
    if not isinstance(event, dict):
        raise Malformed("the event is not an object")
    kind = event.get("e")
    if kind == SERVER_SHUTDOWN:
        return Shutdown()
    if kind != MINI_TICKER:
        raise Malformed(f"unexpected event type {str(kind)[:40]!r}")
    pair, at_ms = event.get("s"), event.get("E")
    if not isinstance(pair, str) or not pair.isalnum():
        raise Malformed("'s' is not a symbol")
    if not isinstance(at_ms, int) or isinstance(at_ms, bool) or at_ms <= 0:
        raise Malformed("'E' is not a time in milliseconds")
    return Tick(pair=pair.upper(), price=_decimal(event, "c"), open_24h=_decimal(event, "o"), at_ms=at_ms)


def decode(raw: str | bytes) -> Message:
    """One WebSocket message as a Tick, a Reply or a Shutdown; Malformed for anything else."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise Malformed("not JSON") from None
    if not isinstance(body, dict):
        raise Malformed("not a JSON object")
    if "data" in body and "stream" in body:
        return _event(body["data"])
    if "id" in body and ("result" in body or "code" in body):
        error = body.get("msg")
        return Reply(id=body["id"], error=None if "result" in body else str(error or body.get("code")))
    return _event(body)
