"""Holdings without I/O: what a valid asset is, so the API, the companion's server side and
the tests share one set of rules, each refusal naming the field and what is accepted.

Quantities and cost bases are `Decimal`s built from the decimal text the client sent (a JSON
number would have been a float on the way), normalised so that `0.50` and `0.5` are one value
that reads back the same from every store. A quantity of 0 is allowed: an asset kept in view.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

import msgspec
from msgspec.structs import replace

from shared.config import Settings
from shared.errors import Conflict, InvalidInput
from shared.ids import new_id
from shared.limits import SYMBOL_PATTERN
from shared.models import AssetKind, Holding

#: Assets one user may hold (crypto and stocks together). A watch shows a handful; the cap keeps
#: one user's portfolio one small store read and its valuation cheap on every poll.
MAX_ASSETS_PER_USER = 50
#: Integer digits of a quantity or cost basis: below 10^15 (a trillion SHIB is 10^12; more is
#: a typo).
MAX_WHOLE_DIGITS = 15
#: Decimal places of a quantity: 18 is ETH's wei, the finest unit of any common asset.
MAX_QUANTITY_PLACES = 18
MAX_COST_PLACES = 8
#: Quantities and cost bases are decimal text (a float would drift): digits, an optional
#: fraction, nothing else. The patterns are the whole rule, so the API document states it.
QUANTITY_PATTERN = rf"^[0-9]{{1,{MAX_WHOLE_DIGITS}}}(\.[0-9]{{1,{MAX_QUANTITY_PLACES}}})?$"
COST_PATTERN = rf"^[0-9]{{1,{MAX_WHOLE_DIGITS}}}(\.[0-9]{{1,{MAX_COST_PLACES}}})?$"
_QUANTITY = re.compile(QUANTITY_PATTERN)
_COST = re.compile(COST_PATTERN)
_SYMBOL = re.compile(SYMBOL_PATTERN)


class HoldingSpec(msgspec.Struct, frozen=True):
    """What a client asks for; `currency` (of the cost basis) defaults to the first VS_CURRENCIES."""

    symbol: str
    kind: AssetKind
    quantity: object
    cost_basis: object = None
    currency: str | None = None


def exact(raw: object, name: str, pattern: re.Pattern[str], places: int) -> Decimal:
    """`raw`, decimal text matching `pattern`, as a normalised Decimal; InvalidInput naming
    `name` otherwise."""
    text = raw if isinstance(raw, str) else ""
    if not pattern.fullmatch(text):
        raise InvalidInput(
            f"{name} must be decimal text like \"0.5\": 0 or more, below 10^{MAX_WHOLE_DIGITS}, at most "
            f"{places} decimal places",
            code=f"invalid_{name}",
        )
    return normalised(Decimal(text))


def normalised(value: Decimal) -> Decimal:
    """Trailing zeros dropped, never a positive exponent: 0.50 -> 0.5, 100 -> 100 (not 1E+2).
    Within 40 digits: the largest quantity with all its places has 34, which the default
    28-digit context would round."""
    with localcontext(prec=40):
        value = value.normalize()
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def quantity_of(raw: object) -> Decimal:
    return exact(raw, "quantity", _QUANTITY, MAX_QUANTITY_PLACES)


def cost_basis_of(raw: object) -> Decimal | None:
    return None if raw is None else exact(raw, "cost_basis", _COST, MAX_COST_PLACES)


def symbol_of(raw: object, kind: AssetKind, settings: Settings) -> str:
    """A coin the updater prices (SUPPORTED_SYMBOLS), or a stock ticker that is not also one of
    those coins: prices are kept by symbol, so a stock `ETH` would shadow the coin."""
    symbol = raw.upper() if isinstance(raw, str) and _SYMBOL.fullmatch(raw) else ""
    if kind is AssetKind.CRYPTO:
        if symbol not in settings.supported_symbols:
            shown = raw[:16] if isinstance(raw, str) and raw else "symbol"
            raise InvalidInput(
                f"{shown!r} is not a coin this service prices; choose one of {', '.join(settings.supported_symbols)}",
                code="unknown_symbol",
            )
        return symbol
    if not symbol:
        raise InvalidInput(
            "a stock symbol is 1-12 letters, digits, dots or dashes, like AAPL, BRK-B or RY.TO",
            code="invalid_symbol",
        )
    if symbol in settings.supported_symbols:
        raise InvalidInput(
            f"{symbol} is a coin here; hold it with kind crypto", code="ambiguous_symbol"
        )
    return symbol


def currency_of(raw: str | None, settings: Settings) -> str:
    currency = (raw or settings.vs_currencies[0]).strip().lower()
    if currency not in settings.vs_currencies:
        raise InvalidInput(
            f"currency must be one of {', '.join(settings.vs_currencies)}", code="unsupported_currency"
        )
    return currency


def new_holding(spec: HoldingSpec, user_id: str, settings: Settings, at: int) -> Holding:
    """A valid holding of `user_id`, or InvalidInput naming what is wrong. The cap on assets per
    user is the store's to enforce (atomically, with the insert)."""
    kind = AssetKind(spec.kind)
    return Holding(
        id=new_id("ast"),
        user_id=user_id,
        symbol=symbol_of(spec.symbol, kind, settings),
        kind=kind,
        quantity=quantity_of(spec.quantity),
        currency=currency_of(spec.currency, settings),
        created_at=at,
        updated_at=at,
        cost_basis=cost_basis_of(spec.cost_basis),
    )


def changed_holding(holding: Holding, quantity: object, cost_basis: object, at: int) -> Holding:
    """`holding` with a new quantity and cost basis (None clears it); its symbol and kind stay:
    a different asset is a new holding."""
    return replace(
        holding, quantity=quantity_of(quantity), cost_basis=cost_basis_of(cost_basis), updated_at=at
    )


def too_many(count: int) -> Conflict:
    """The refusal the stores raise when an add would pass MAX_ASSETS_PER_USER: a 409, like
    every refusal that depends on what is stored rather than on the request."""
    return Conflict(
        f"a portfolio holds at most {MAX_ASSETS_PER_USER} assets and this one has {count}; "
        "remove one first",
        code="too_many_assets",
    )
