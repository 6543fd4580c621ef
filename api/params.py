"""Query parameter parsing with clear 400s: what was wrong and what is accepted."""

from __future__ import annotations

import re

from starlette.requests import Request

from shared.config import Settings
from shared.errors import InvalidInput

SYMBOL = re.compile(r"^[A-Z0-9]{1,12}$")


def currency(request: Request, settings: Settings) -> str:
    value = request.query_params.get("vs", settings.vs_currencies[0]).strip().lower()
    if value not in settings.vs_currencies:
        raise InvalidInput(
            f"vs={value[:16]!r} is not offered; choose one of {', '.join(settings.vs_currencies)}",
            code="unsupported_currency",
        )
    return value


def symbol(raw: str) -> str:
    value = raw.strip().upper()
    if not SYMBOL.match(value):
        raise InvalidInput(
            f"{raw[:16]!r} is not a symbol: use 1-12 letters or digits, like BTC", code="invalid_symbol"
        )
    return value


def symbols(request: Request, settings: Settings) -> tuple[str, ...]:
    """`symbols=BTC,ETH` (case-insensitive, duplicates dropped); all supported when absent."""
    raw = request.query_params.get("symbols")
    if raw is None:
        chosen = settings.supported_symbols
    else:
        chosen = tuple(dict.fromkeys(symbol(part) for part in raw.split(",") if part.strip()))
        if not chosen:
            raise InvalidInput("symbols is empty: list symbols like symbols=BTC,ETH", code="invalid_symbol")
    if len(chosen) > settings.max_symbols_per_request:
        raise InvalidInput(
            f"{len(chosen)} symbols asked; at most {settings.max_symbols_per_request} per request",
            code="too_many_symbols",
        )
    return chosen


def integer(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}") from None
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be from {low} to {high}, not {value}")
    return value
