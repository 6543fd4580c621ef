"""Query parameter parsing with clear 400s: what was wrong and what is accepted."""

from __future__ import annotations

import re

from starlette.requests import Request

from shared.config import Settings
from shared.errors import InvalidInput

#: A coin (BTC) or a stock ticker as Yahoo Finance writes it (AAPL, BRK-B, RY.TO).
SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,11}")
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,15}")


def currency(request: Request, settings: Settings) -> tuple[str, str | None]:
    """One of VS_CURRENCIES, any case; and the currency a watch body names, which is only one
    the server chose (None when the request sent `vs`: the watch knows its currency, so
    repeating it would cost bytes on every poll)."""
    raw = request.query_params.get("vs")
    value = (settings.vs_currencies[0] if raw is None else raw).lower()
    if value not in settings.vs_currencies:
        raise InvalidInput(
            f"vs={value[:16]!r} is not offered; choose one of {', '.join(settings.vs_currencies)}",
            code="unsupported_currency",
        )
    return value, (value if raw is None else None)


def symbol(raw: str) -> str:
    """ASCII letters and digits (then also dots and dashes), any case: checked before
    upper-casing, which would turn 'ß' into 'SS', and in full, so neither whitespace nor a
    trailing newline slips through."""
    if not SYMBOL.fullmatch(raw):
        raise InvalidInput(
            f"{raw[:16]!r} is not a symbol: use 1-12 letters, digits, dots or dashes, like BTC or BRK-B",
            code="invalid_symbol",
        )
    return raw.upper()


def symbols(request: Request, settings: Settings) -> tuple[str, ...]:
    """`symbols=BTC,ETH` (case-insensitive, duplicates dropped); all supported when absent.
    Exactly what /openapi.json describes: a comma-separated list of symbols, no empty items,
    at most `max_symbols_per_request` of them."""
    raw = request.query_params.get("symbols")
    if raw is None:
        return settings.supported_symbols
    parts = raw.split(",")
    if len(parts) > settings.max_symbols_per_request:
        raise InvalidInput(
            f"{len(parts)} symbols asked; at most {settings.max_symbols_per_request} per request",
            code="too_many_symbols",
        )
    if not raw:
        raise InvalidInput("symbols is empty: list symbols like symbols=BTC,ETH", code="invalid_symbol")
    return tuple(dict.fromkeys(symbol(part) for part in parts))


def integer(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw):  # int() would also take " 7", "+7" and "1_0"
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}")
    value = int(raw)
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be from {low} to {high}, not {value}")
    return value
