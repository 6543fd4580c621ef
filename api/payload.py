"""The compact watch payloads: short keys, rounded numbers, nothing a glance does not need.

Prices:  {"c":"usd","t":1732252800,"p":{"BTC":[97123.4,-1.23],"ETH":[3456.78,0.85]}}
  c  quote currency            t  update time, epoch seconds (the oldest of the symbols shown)
  p  symbol -> [price, 24h change in percent or null]
  u  unknown symbols, present only when some were asked for and are not served
  s  1 when the data is stale (older than two refresh cycles), absent otherwise
  d  1 when the prices are simulated (the offline demo source), absent otherwise
History: {"s":"BTC","c":"usd","t":1732252800,"i":3600,"p":[96011,96250.5,null,...]}
  t  time of the last point      i  seconds between points      p  oldest first, null = no data

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
    points: Sequence[PricePoint], currency: str, unknown: Iterable[str], stale: bool
) -> bytes:
    body: dict[str, object] = {
        "c": currency,
        "t": min((p.updated_at for p in points), default=0),
        "p": {p.symbol: [round_significant(p.price), round_change(p.change_24h)] for p in points},
    }
    unknown = list(unknown)
    if unknown:
        body["u"] = unknown
    if stale:
        body["s"] = 1
    if any(p.source == SIMULATED_SOURCE for p in points):
        body["d"] = 1
    return orjson.dumps(body)


def encode_history(
    symbol: str, currency: str, end: int, interval: int, prices: Sequence[float | None]
) -> bytes:
    return orjson.dumps(
        {
            "s": symbol,
            "c": currency,
            "t": end,
            "i": interval,
            "p": [None if p is None else round_significant(p) for p in prices],
        }
    )


def resample(points: Sequence[PricePoint], end: int, interval: int, count: int) -> list[float | None]:
    """Evenly spaced prices ending at `end`: each slot takes the last point at or before it,
    so a sparkline never invents a price; slots before the first point are None."""
    slots = [end - interval * (count - 1 - i) for i in range(count)]
    ordered = sorted(points, key=lambda p: p.updated_at)
    result: list[float | None] = []
    index, last = 0, None
    for slot in slots:
        while index < len(ordered) and ordered[index].updated_at <= slot:
            last = ordered[index].price
            index += 1
        result.append(last)
    return result
