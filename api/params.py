"""Query parameter parsing with clear 400s: what was wrong and what is accepted."""

from __future__ import annotations

import re
from typing import Annotated

from msgspec import Meta
from starlette.requests import Request

from api.operations import Param
from shared.config import Settings
from shared.errors import InvalidInput
from shared.limits import SYMBOL_PATTERN
from shared.shapes.base import configured

SYMBOL = re.compile(SYMBOL_PATTERN)
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,15}")

#: The parameters the watch routes share, as /openapi.json states them.
VS = Param(
    "vs", configured("Currency"),
    description="Quote currency, one of VS_CURRENCIES (default: the first, which the body then names in `c`)",
)
SYMBOL_IN_PATH = Param(
    "symbol", Annotated[str, Meta(pattern=SYMBOL_PATTERN)], where="path",
    description="Any case; a symbol that is not supported is a 404",
)
SYMBOLS = Param(
    "symbols", configured("SymbolList"), description="Comma-separated symbols (default: all supported)",
    style={"style": "form", "explode": False},
)


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
    """ASCII letters and digits, any case: checked before upper-casing, which would turn 'ß'
    into 'SS', and in full, so neither whitespace nor a trailing newline slips through."""
    if not SYMBOL.fullmatch(raw):
        raise InvalidInput(
            f"{raw[:16]!r} is not a symbol: use 1-12 letters or digits, like BTC", code="invalid_symbol"
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
