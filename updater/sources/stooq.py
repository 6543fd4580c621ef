"""Stooq's quote CSV, `GET {root}/q/l/?s=aapl.us&f=sd2t2ohlcv&h&e=csv`: the fallback for the
stocks Yahoo's chart endpoint fails on or refuses. Free and keyless like Yahoo's (Stooq's daily
history download now wants a key; this quote endpoint does not), one stock per call.

The answer (`h` asks for the header line) is two CSV lines:

    Symbol,Date,Time,Open,High,Low,Close,Volume
    AAPL.US,2024-12-03,22:00:04,239.81,242.76,238.9,242.65,38861017

`Date` and `Time` are Warsaw local time (Stooq is Polish): 22:00 there is 16:00 in New York. A
symbol Stooq does not know is still a 200, with the row `ZZZZ.US,N/D,N/D,N/D,N/D,N/D,N/D,N/D`;
a spent quota is a 200 whose body is the text "Exceeded the daily hits limit".

Stooq names neither the currency nor the previous close. So only US listings are asked for
(a Yahoo ticker without an exchange suffix: `AAPL`, `BRK-B` become `aapl.us`, `brk-b.us`),
priced in `usd`, and the 24 h change is left unknown rather than guessed. Outside the regular
New York session (09:30-16:00 on weekdays, or on a day without a trade, such as a holiday) the
price is the last close, marked `closed` and timed when fetched, as Yahoo's are.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from datetime import time as clock_time
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from shared.models import PricePoint, UpdateError
from updater.sources.base import SourceError
from updater.sources.http import DEFAULT_RETRY, RetryPolicy, get_body
from updater.sources.parse import number
from updater.sources.per_symbol import each_symbol

log = logging.getLogger(__name__)

HEADER = ("Symbol", "Date", "Time", "Open", "High", "Low", "Close", "Volume")
NO_DATA = "N/D"
QUOTA_SPENT = "exceeded the daily hits limit"
WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")
SESSION = (clock_time(9, 30), clock_time(16, 0))


def stooq_symbol(symbol: str) -> str | None:
    """Stooq's name of a US listing (`aapl.us`), or None for a ticker with an exchange suffix
    (`RY.TO`, `7203.T`): Stooq would not say what currency that is quoted in."""
    return None if "." in symbol else symbol.lower() + ".us"


def in_us_session(now: int, traded_at: int) -> bool:
    """Inside New York's regular session, on a day with a trade (a holiday has none)."""
    here = datetime.fromtimestamp(now, NEW_YORK)
    traded = datetime.fromtimestamp(traded_at, NEW_YORK)
    return here.weekday() < 5 and SESSION[0] <= here.time() < SESSION[1] and traded.date() == here.date()


class StooqQuoteSource:
    name = "stooq"

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        *,
        retry: RetryPolicy = DEFAULT_RETRY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._root = base_url.rstrip("/") + "/q/l/"
        self._retry = retry
        self._clock = clock

    async def fetch(self, symbols: Sequence[str], currencies: Sequence[str]) -> list[PricePoint]:
        if "usd" not in currencies:
            return []
        asked = [symbol for symbol in symbols if stooq_symbol(symbol) is not None]
        return await each_symbol(self.name, asked, self._quote)

    async def _quote(self, symbol: str) -> PricePoint:
        name = stooq_symbol(symbol) or ""
        # The query as Stooq documents it: `h` is a bare flag, which httpx's params cannot write.
        url = f"{self._root}?s={quote(name, safe='.-')}&f=sd2t2ohlcv&h&e=csv"
        body = await get_body(self._client, self.name, url, self._retry)
        row = self._row(symbol, body)
        if row["Close"] == NO_DATA:
            raise SourceError(f"{self.name}: {symbol}: no data for {name} (N/D)", UpdateError.UNSUPPORTED)
        price = number(self.name, f"{symbol}.Close", row["Close"])
        try:
            local = datetime.strptime(f"{row['Date']} {row['Time']}", "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise SourceError(f"{self.name}: {symbol}: {row['Date']!r} {row['Time']!r} is not a time") from None
        traded_at = int(local.replace(tzinfo=WARSAW).timestamp())
        now = int(self._clock())
        closed = not in_us_session(now, traded_at)
        return PricePoint(symbol, "usd", price, None, now if closed else traded_at, self.name, closed=closed)

    def _row(self, symbol: str, body: bytes) -> dict[str, str]:
        """The one quote row, by column name; SourceError for a quota message or anything else
        that is not Stooq's two-line CSV."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise SourceError(f"{self.name}: {symbol}: the answer is not UTF-8 text") from None
        if QUOTA_SPENT in text.lower():
            raise SourceError(f"{self.name}: daily quota spent ({text.strip()[:80]!r})",
                              UpdateError.UPSTREAM_RATE_LIMITED)
        lines = list(csv.reader(text.splitlines()))
        if len(lines) != 2 or tuple(lines[0]) != HEADER or len(lines[1]) != len(HEADER):
            raise SourceError(f"{self.name}: {symbol}: not Stooq's quote CSV: {text[:80]!r}")
        return dict(zip(HEADER, lines[1], strict=True))
