"""Failed authentication, limited per client address.

The per-key limiter counts only requests with a valid key, so a client without one could be
refused (401) as fast as it can ask, each new random key costing a store lookup. Each worker
counts refusals per address in whole UTC minutes, in memory (a refused request writes nothing
to the store); past `per_minute` the address is answered 429 with Retry-After until the minute
ends, without looking its keys up. A key this worker already holds valid still passes, so a
watch behind the same NAT as a misbehaving client keeps working.

Counts are per worker (with N workers an address gets at most N times the limit) and at most
`max_addresses` are remembered, the least recent forgotten first. Behind a reverse proxy the
address is the one uvicorn takes from X-Forwarded-For when the proxy is in
FORWARDED_ALLOW_IPS; otherwise every client shares the proxy's address.
"""

from __future__ import annotations

from cachetools import LRUCache
from starlette.types import Scope

from shared.errors import RateLimited

WINDOW_SECONDS = 60


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


class FailureLimiter:
    """Refusals per client (an address; for logins also an account), `what` naming them in
    the 429's message."""

    def __init__(
        self, per_minute: int, max_addresses: int = 65_536, what: str = "requests without a valid key from your address"
    ) -> None:
        self.per_minute = per_minute
        self.what = what
        self._counts: LRUCache[str, tuple[int, int]] = LRUCache(maxsize=max_addresses)  # (window, refusals)

    def blocked(self, address: str, at: int) -> RateLimited | None:
        """The 429 to answer while the address has used up this minute's refusals, else None."""
        window, refusals = self._counts.get(address, (0, 0))
        if window == at - at % WINDOW_SECONDS and refusals >= self.per_minute:
            wait = window + WINDOW_SECONDS - at
            return RateLimited(
                f"more than {self.per_minute} {self.what} in a minute; "
                f"retry in {wait} s",
                retry_after=max(1, wait),
            )
        return None

    def refused(self, address: str, at: int) -> None:
        window = at - at % WINDOW_SECONDS
        counted, refusals = self._counts.get(address, (window, 0))
        self._counts[address] = (window, refusals + 1 if counted == window else 1)
