"""Identifiers and time: ids sort by creation time, so 'oldest first' is 'ordered by id'."""

from __future__ import annotations

import math
import re
import secrets
import threading
import time
from datetime import UTC, datetime

from shared.errors import InvalidInput
from shared.limits import DAY_PATTERN

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower-case
_RANDOM_BITS = 60
_DAY = re.compile(DAY_PATTERN)


def _base32(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


class _MonotonicClock:
    """Millisecond time plus a random tail that counts up within one millisecond (as monotonic
    ULIDs do), so two ids made in the same millisecond by one process still sort in the order
    they were made."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_millis = -1
        self._last_tail = 0

    def next(self) -> tuple[int, int]:
        with self._lock:
            millis = time.time_ns() // 1_000_000
            if millis <= self._last_millis:
                millis, tail = self._last_millis, self._last_tail + 1
                if tail >> _RANDOM_BITS:  # the tail ran out within one millisecond: borrow the next
                    millis, tail = millis + 1, secrets.randbits(_RANDOM_BITS - 1)
            else:
                tail = secrets.randbits(_RANDOM_BITS - 1)  # headroom to count up from
            self._last_millis, self._last_tail = millis, tail
            return millis, tail


_clock = _MonotonicClock()


def new_id(kind: str) -> str:
    """`kind_` + 10 chars of millisecond time + 12 chars of a random tail (60 bits): unique, and
    in creation order within a process."""
    millis, tail = _clock.next()
    return f"{kind}_{_base32(millis, 10)}{_base32(tail, 12)}"


def now() -> int:
    """Current time as whole epoch seconds, the unit of every timestamp we store."""
    return int(time.time())


def next_tick(at: float, interval: float) -> float:
    """The first multiple of `interval` (epoch seconds) strictly after `at`: when the local
    updater loop runs next."""
    return (math.floor(at / interval) + 1) * interval


def utc_day(epoch: int) -> str:
    """'YYYY-MM-DD' of an epoch second in UTC: the bucket for daily usage."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


def day_start(day: str) -> int:
    """Epoch second at which the UTC day 'YYYY-MM-DD' begins; InvalidInput for anything else
    (strptime alone would also take '2025-1-5'; it refuses '2025-02-30')."""
    try:
        if not _DAY.fullmatch(day):
            raise ValueError(day)
        return int(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
    except ValueError:
        raise InvalidInput(f"day must be a date YYYY-MM-DD, not {day!r}", code="invalid_day") from None
