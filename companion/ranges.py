"""Time ranges as people type them: `24h`, `7d`, `90m`, `2024-11-01..2024-11-20`, or
nothing (everything). Dates are UTC days; the end day is included."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_RELATIVE = re.compile(r"^(\d+)\s*(m|min|h|d|w)$")
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 604_800}
HELP = "like 24h, 7d, or 2024-11-01..2024-11-20 (blank: everything)"


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what} {text.strip()!r} is not a date like 2024-11-01") from None


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def parse_range(text: str, now: float) -> tuple[int | None, int | None]:
    """(start, end) in epoch seconds; None means open on that side. Raises ValueError."""
    text = text.strip().lower()
    if not text:
        return None, None
    relative = _RELATIVE.match(text)
    if relative:
        seconds = int(relative.group(1)) * _UNITS[relative.group(2)]
        if seconds <= 0:
            raise ValueError("the range must be longer than zero")
        return int(now) - seconds, int(now)
    if ".." in text:
        first, _, last = text.partition("..")
        start = _epoch(_day(first, "start")) if first.strip() else None
        end = _epoch(_day(last, "end") + timedelta(days=1)) - 1 if last.strip() else None
        if start is not None and end is not None and start > end:
            raise ValueError("the start date is after the end date")
        return start, end
    raise ValueError(f"{text!r} is not a range {HELP}")
