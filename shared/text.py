"""Text that people type and terminals show: labels and names must print, never act.

A control character (an escape sequence, a carriage return) or a line separator in a label
would move the cursor, recolour or retitle the terminal of whoever lists keys; `unprintable`
finds one so the input is refused, and `printable` shows any stored before that as its escape."""

from __future__ import annotations

import unicodedata

#: Control characters (NUL, ESC, newlines, DEL...) and the Unicode line and paragraph separators.
UNPRINTABLE = frozenset({"Cc", "Zl", "Zp"})


def unprintable(text: str) -> bool:
    return any(unicodedata.category(ch) in UNPRINTABLE for ch in text)


def printable(text: str) -> str:
    """`text` with every unprintable character written as its escape (ESC as `\\x1b`)."""
    if not unprintable(text):
        return text
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in UNPRINTABLE else ch
        for ch in text
    )
