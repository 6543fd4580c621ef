"""Checked reads of upstream JSON: a wrong shape becomes SourceError, never a TypeError."""

from __future__ import annotations

import math
from typing import Any

from updater.sources.base import SourceError


def number(source: str, where: str, value: Any) -> float:
    """A JSON number or numeric string as float (non-finite values pass: validation rejects
    them with a reason). Booleans, nulls and text are a malformed answer."""
    if isinstance(value, bool) or value is None:
        raise SourceError(f"{source}: {where} is {value!r}, not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise SourceError(f"{source}: {where} is {value!r}, not a number") from None
    raise SourceError(f"{source}: {where} has type {type(value).__name__}, not a number")


def optional_number(source: str, where: str, value: Any) -> float | None:
    """Like `number`, but a missing value or a non-finite one (no usable change) is None."""
    if value is None:
        return None
    result = number(source, where, value)
    return result if math.isfinite(result) else None


def epoch(source: str, where: str, value: Any, *, millis: bool = False) -> int:
    seconds = number(source, where, value) / (1000 if millis else 1)
    if not math.isfinite(seconds) or seconds <= 0:
        raise SourceError(f"{source}: {where} is {value!r}, not a timestamp")
    return int(seconds)


def mapping(source: str, where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceError(f"{source}: expected an object for {where}, got {type(value).__name__}")
    return value


def sequence(source: str, where: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise SourceError(f"{source}: expected a list for {where}, got {type(value).__name__}")
    return value
