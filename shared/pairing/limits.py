"""Bounds on what no key vouches for: pairing requests per client address, and user codes tried
per person entering them.

A user code has 20^8 = 2.56e10 values and lives 10 minutes. Whoever enters codes (an admin key
today, a wearer's session later) may try USER_CODE_ATTEMPTS in each ATTEMPT_WINDOW_SECONDS, so
with P pairings pending at once one guess finds some pairing with probability P / 2.56e10: with
100 pending, 20 tries every 10 minutes for a whole day (2,880 tries) succeed with odds of about
1 in 89,000, and a success pairs a watch the guesser does not hold to the guesser's account."""

from __future__ import annotations

from shared.errors import RateLimited
from shared.store.base import Store

ATTEMPT_WINDOW_SECONDS = 600
PAIR_REQUESTS_PER_ADDRESS = 10  # a watch asks once per pairing; a retry or two on a bad link
USER_CODE_ATTEMPTS = 20  # codes entered per window by one key or session, right or wrong


def enforce(store: Store, bucket: str, limit: int, at: int, what: str) -> None:
    """Count one attempt in `bucket`; RateLimited (429 with retry_after) beyond `limit` in the
    current window. Counted before the attempt is looked at, so an attempt over the limit learns
    nothing, whether its code was right or wrong."""
    window_start = at - at % ATTEMPT_WINDOW_SECONDS
    count = store.count_attempt(bucket, window_start, 2 * ATTEMPT_WINDOW_SECONDS)
    if count > limit:
        retry_after = max(1, window_start + ATTEMPT_WINDOW_SECONDS - at)
        raise RateLimited(
            f"at most {limit} {what} per {ATTEMPT_WINDOW_SECONDS // 60} minutes; retry in {retry_after} s",
            retry_after=retry_after,
        )
