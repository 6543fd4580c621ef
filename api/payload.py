"""The compact watch payloads: short keys, rounded numbers, nothing a glance does not need.

Prices:  {"t":1732252800,"p":{"BTC":[97123.4,-1.23],"ETH":[3456.78,0.85]},"n":287}
  t  update time, epoch seconds (the oldest of the symbols shown)
  p  symbol -> [price, 24h change in percent or null]
  c  quote currency, present only when the request left it to the server (no `vs`): a watch
     that named it knows it, one that did not learns which default it got
  u  unknown symbols, present only when some were asked for and are not served
  s  1 when the data is stale (older than two refresh cycles), absent otherwise
  d  1 when the prices are simulated (the offline demo source), absent otherwise
  m  the stocks whose market is closed, priced at their last close; absent when none
  n  seconds until the next refresh is due: what Cache-Control max-age says, for a watch that
     sees only the body (Connect IQ); added as each response is sent (with_next_refresh)
One price (/v1/prices/BTC), a single-coin watch face's poll:  {"t":1732252800,"p":[97123.4,-1.23],"n":287}
  p  [price, 24h change] of that coin or stock, null while it has no price yet; c, s, d and n as
     above, and m 1 when it is a stock's last close
History: {"s":"BTC","t":1732252800,"i":3600,"p":[96011,96250.5,null,...],"n":42}
  t  time of the last point      i  seconds between points      p  oldest first, null = no data
  c  as above      d  1 when any of the points is simulated (the demo's backfilled history)
  n  seconds until the series moves on (the next minute)

Prices keep six significant digits (enough for any watch face), changes two decimals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import orjson

from shared.models import SIMULATED_SOURCE, PricePoint

PRICE_DIGITS = 6


def round_significant(value: float, digits: int = PRICE_DIGITS) -> float | int:
    """Round to `digits` significant digits; whole results become ints (`97123` not `97123.0`)."""
    if value == 0 or not math.isfinite(value):
        return value
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    return int(rounded) if decimals <= 0 or rounded.is_integer() else rounded


def round_change(value: float | None) -> float | int | None:
    if value is None or not math.isfinite(value):
        return None
    rounded = round(value, 2)
    return int(rounded) if rounded.is_integer() else rounded


def encode_prices(
    points: Sequence[PricePoint], stated_currency: str | None, unknown: Iterable[str], stale: bool
) -> bytes:
    """Several symbols; `stated_currency` is the quote currency when the body must name it."""
    body = _envelope(stated_currency, points)
    body["p"] = {p.symbol: _quote(p) for p in points}
    unknown = list(unknown)
    if unknown:
        body["u"] = unknown
    closed = [p.symbol for p in points if p.closed]
    if closed:
        body["m"] = closed
    return _with_flags(body, points, stale)


def encode_price(point: PricePoint | None, stated_currency: str | None, stale: bool) -> bytes:
    """One symbol, without the symbol map: the smallest body a one-coin watch face can poll."""
    points = [] if point is None else [point]
    body = _envelope(stated_currency, points)
    body["p"] = None if point is None else _quote(point)
    if point is not None and point.closed:
        body["m"] = 1
    return _with_flags(body, points, stale)


def encode_history(
    symbol: str,
    stated_currency: str | None,
    end: int,
    interval: int,
    prices: Sequence[float | None],
    simulated: bool = False,
) -> bytes:
    body: dict[str, object] = {"s": symbol}
    if stated_currency is not None:
        body["c"] = stated_currency
    body.update(t=end, i=interval, p=[None if p is None else round_significant(p) for p in prices])
    if simulated:
        body["d"] = 1
    return orjson.dumps(body)


def _envelope(stated_currency: str | None, points: Sequence[PricePoint]) -> dict[str, object]:
    body: dict[str, object] = {} if stated_currency is None else {"c": stated_currency}
    body["t"] = min((p.updated_at for p in points), default=0)
    return body


def _quote(point: PricePoint) -> list[float | int | None]:
    return [round_significant(point.price), round_change(point.change_24h)]


def _with_flags(body: dict[str, object], points: Sequence[PricePoint], stale: bool) -> bytes:
    if stale:
        body["s"] = 1
    if any(p.source == SIMULATED_SOURCE for p in points):
        body["d"] = 1
    return orjson.dumps(body)


def with_next_refresh(body: bytes, seconds: int) -> bytes:
    """An encoded body (a JSON object) with `n` as its last field. The encoded bodies are
    memoised for as long as their data holds, and `n` counts down every second, so it is added
    to the bytes as they are sent rather than encoded with them."""
    return body[:-1] + b',"n":%d}' % seconds

