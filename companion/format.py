"""How numbers and times read on screen. Times are shown relative to the app's clock, so a
person sees "3 min ago" rather than a timestamp to subtract in their head (and a frozen clock
makes screenshots repeatable)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from rich.text import Text

DASH = "—"


def price(value: float | None) -> str:
    """Thousands separators; more decimals the smaller the price (0.0001234 stays readable)."""
    if value is None or not math.isfinite(value):
        return DASH
    if value >= 1000:
        return f"{value:,.2f}"
    if value >= 1:
        return f"{value:,.4f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.2f}"
    return f"{value:.6g}"


def change(value: float | None) -> Text:
    """24h change in percent, green when up, red when down."""
    if value is None or not math.isfinite(value):
        return Text(DASH, style="dim")
    arrow, style = ("▲", "green") if value > 0 else ("▼", "red") if value < 0 else ("", "")
    return Text(f"{arrow}{value:+.2f}%", style=style)


def ago(epoch: int | float | None, now: float) -> str:
    """'just now', '5 min ago', '3 h ago', '2 d ago' ('in 3 min' for the future). Under a
    minute is 'just now': usage is counted per minute, so seconds would be noise."""
    if epoch is None:
        return DASH
    seconds = now - epoch
    if abs(seconds) < 60:
        return "just now"
    text = duration(abs(seconds))
    return f"{text} ago" if seconds > 0 else f"in {text}"


def duration(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("d", 86_400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def day(epoch: int | None) -> str:
    if epoch is None:
        return DASH
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M")


def size(count: int | None) -> str:
    if count is None:
        return DASH
    value = float(count)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def number(value: float) -> str:
    """A target as typed: no trailing zeros, thousands separators."""
    return f"{value:,.8f}".rstrip("0").rstrip(".")


def plain(value: object) -> str:
    """Any field of a record as one line of text (a field a screen has no column layout for)."""
    if value is None:
        return DASH
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)
