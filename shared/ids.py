"""Identifiers and time: ids sort by creation time, so 'oldest first' is 'ordered by id'."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower-case


def _base32(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(kind: str) -> str:
    """`kind_` + 10 chars of millisecond time + 12 random chars (60 bits): sortable, unique."""
    millis = time.time_ns() // 1_000_000
    return f"{kind}_{_base32(millis, 10)}{_base32(secrets.randbits(60), 12)}"


def now() -> int:
    """Current time as whole epoch seconds, the unit of every timestamp we store."""
    return int(time.time())


def utc_day(epoch: int) -> str:
    """'YYYY-MM-DD' of an epoch second in UTC: the bucket for daily usage."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
