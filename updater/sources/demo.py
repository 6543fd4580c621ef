"""Simulated prices for demos without internet: never market data, and labelled as such.

Each price is a seeded random path around a realistic level: the sum of smooth value noise at
an hourly, daily and weekly scale on the log price. The path is a pure function of (seed,
symbol, time), so separate processes (the local loop, a one-off `update --once`, a Lambda)
agree on it, and the 24h change is the path's own change over 24 hours.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence

from shared.models import SIMULATED_SOURCE, PricePoint, UpdateError
from updater.sources.base import SourceError

#: Rough USD levels the simulated prices wander around (not quotes).
LEVELS_USD: dict[str, float] = {
    "BTC": 65_000,
    "ETH": 3_200,
    "BNB": 580,
    "SOL": 150,
    "XRP": 0.55,
    "ADA": 0.45,
    "DOGE": 0.12,
    "TRX": 0.12,
    "AVAX": 30,
    "DOT": 6.5,
    "LINK": 14,
    "POL": 0.45,
    "MATIC": 0.5,
    "SHIB": 0.00002,
    "LTC": 75,
    "BCH": 380,
    "UNI": 8,
    "XLM": 0.1,
    "ATOM": 7,
    "ETC": 24,
    "NEAR": 5,
    "APT": 8,
    "ARB": 0.8,
    "OP": 1.8,
    "FIL": 4.5,
    "ICP": 9,
    "HBAR": 0.08,
    "VET": 0.03,
    "ALGO": 0.15,
    "AAVE": 120,
    "SUI": 1.2,
    "TON": 5.5,
    "PEPE": 0.00001,
    "INJ": 22,
    "GRT": 0.2,
    "SAND": 0.35,
    "MANA": 0.35,
    "AXS": 6,
    "XTZ": 0.8,
    "TIA": 6,
    "LDO": 1.6,
    "RENDER": 6,
    "RNDR": 6,
    "XMR": 160,
    "USDC": 1.0,
    "USDT": 1.0,
}
STABLECOINS = frozenset({"USDC", "USDT"})
#: Units of each currency per USD, roughly; currencies not listed are not simulated.
FX_PER_USD: dict[str, float] = {
    "usd": 1.0,
    "eur": 0.92,
    "gbp": 0.79,
    "chf": 0.88,
    "jpy": 150.0,
    "cad": 1.36,
    "aud": 1.52,
    "cny": 7.2,
    "inr": 83.0,
    "brl": 5.0,
}
#: (period in seconds, amplitude on the natural log of the price)
SCALES = ((3_600, 0.01), (86_400, 0.04), (604_800, 0.12))


def _unit(*parts: object) -> float:
    """A reproducible uniform number in [-1, 1] for `parts` (stable across processes)."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**63 - 1.0


def _noise(seed: int, symbol: str, period: int, at: float) -> float:
    """Smooth value noise: random knots every `period` seconds, eased between them."""
    knot, frac = divmod(at / period, 1.0)
    ease = frac * frac * (3 - 2 * frac)
    before = _unit(seed, symbol, period, int(knot))
    after = _unit(seed, symbol, period, int(knot) + 1)
    return before + (after - before) * ease


def _level(symbol: str) -> float:
    """The table's level, or a stable made-up one (1 cent to 100 dollars) for other symbols."""
    if symbol in LEVELS_USD:
        return LEVELS_USD[symbol]
    return 10 ** (2 * _unit("level", symbol))


class DemoSource:
    name = SIMULATED_SOURCE

    def __init__(self, seed: int = 0, clock: Callable[[], float] = time.time) -> None:
        self._seed = seed
        self._clock = clock

    def price_usd(self, symbol: str, at: float) -> float:
        damping = 0.01 if symbol in STABLECOINS else 1.0
        drift = sum(amp * _noise(self._seed, symbol, period, at) for period, amp in SCALES)
        return _level(symbol) * math.exp(damping * drift)

    def point(self, symbol: str, currency: str, at: float) -> PricePoint:
        """The simulated price of `symbol` in `currency` (one of FX_PER_USD) at `at`."""
        price, day_ago = self.price_usd(symbol, at), self.price_usd(symbol, at - 86_400)
        change = (price / day_ago - 1) * 100
        return PricePoint(symbol, currency, price * FX_PER_USD[currency], change, int(at), self.name)

    async def fetch(self, symbols: Sequence[str], currencies: Sequence[str]) -> list[PricePoint]:
        at = self._clock()
        priced = [currency for currency in currencies if currency in FX_PER_USD]
        if not priced:
            raise SourceError(f"{self.name}: cannot simulate {', '.join(currencies)}", UpdateError.UNSUPPORTED)
        return [self.point(symbol, currency, at) for symbol in symbols for currency in priced]
