"""The watch's portfolio body, as small as the price bodies (at most 60 bytes in normal use):

    {"t":1732252800,"v":35492.1,"h":1.23,"g":5492.1,"n":240}
  t  time of the oldest price used, epoch seconds (0 while nothing is priced)
  v  total value in the currency asked for, six significant digits
  h  24 h change of the whole, percent, two decimals; absent when unknown
  g  profit or loss against the cost basis, six significant digits; absent when unknown (no
     cost basis in this currency, or a holding with one is not priced yet)
  n  seconds until the next refresh is due: when polling again can bring news (Garmin's web
     requests never show a watch the Cache-Control header)
  c  the currency, only when the request left it to the server (as on the price bodies)
  u  1 when some holding has no price in this currency yet (its value is not in v)
  s, d  stale and simulated, as on the price bodies; m  1 when a stock is at its last close

The ETag is weak and covers everything but `n`, which counts down every second: a 304 means
the numbers did not change, and the watch keeps counting down its own `n`.
"""

from __future__ import annotations

import orjson

from api.payload import round_change, round_significant
from api.responses import etag_of
from shared.valuation import Valuation


def portfolio_data(worth: Valuation, stated_currency: str | None, stale: bool) -> dict[str, object]:
    """The body without `n`: what the ETag is computed from."""
    body: dict[str, object] = {} if stated_currency is None else {"c": stated_currency}
    body["t"] = worth.priced_at
    body["v"] = round_significant(float(worth.total))
    change = round_change(worth.change_24h)
    if change is not None:
        body["h"] = change
    if worth.profit is not None:
        body["g"] = round_significant(float(worth.profit))
    flags = {"u": bool(worth.unpriced), "s": stale, "d": worth.simulated, "m": worth.closed}
    body.update({flag: 1 for flag, on in flags.items() if on})
    return body


def encode_portfolio(data: dict[str, object]) -> tuple[bytes, str]:
    """(the body, its ETag, which send_cached_body makes weak as it adds `n` to the bytes)."""
    body = orjson.dumps(data)
    return body, etag_of(body)
