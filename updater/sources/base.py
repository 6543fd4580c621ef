"""What every price source is: a name and one async fetch, failing only with SourceError.

The cycle treats sources interchangeably (CoinGecko first, Binance as fallback, or the demo
source), so anything a source can go wrong with is turned into SourceError here rather than
leaking httpx or JSON exceptions into the cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shared.models import PricePoint, UpdateError


class SourceError(Exception):
    """The source gave no usable answer (unreachable, refused, or answered nonsense). `code`
    says which kind, for those who may not see the message; most are a malformed answer."""

    def __init__(self, message: str, code: UpdateError = UpdateError.INVALID_DATA) -> None:
        super().__init__(message)
        self.code = code


class PriceSource(Protocol):
    #: Shown in UpdateStatus.source and on every PricePoint the source makes.
    name: str

    async def fetch(self, symbols: Sequence[str], currencies: Sequence[str]) -> list[PricePoint]:
        """Latest prices of `symbols` (upper-case) in `currencies` (lower-case). Symbols or
        currencies the source cannot price are left out; raises SourceError when the source
        gave nothing usable."""
        ...
