"""Holdings without I/O: what a valid asset is, so the API, the companion's server side and
the tests share one set of rules, each refusal naming the field and what is accepted.

Quantities and cost bases are `Decimal`s built from the text the client sent (a JSON number is
read through its shortest repr, which is the text that was typed), normalised so that `0.50`
and `0.5` are one value that reads back the same from every store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation, localcontext

from shared.config import Settings
from shared.errors import InvalidInput
from shared.ids import new_id
from shared.limits import SYMBOL_PATTERN
from shared.models import AssetKind, Holding

#: Assets one user may hold (crypto and stocks together). A watch shows a handful; the cap keeps
#: one user's portfolio one small store read and its valuation cheap on every poll.
MAX_ASSETS_PER_USER = 50
#: Larger than the supply of anything anyone holds (a trillion SHIB is 1e12): more is a typo.
MAX_QUANTITY = Decimal(10) ** 15
#: Decimal places of a quantity: 18 is ETH's wei, the finest unit of any common asset.
MAX_QUANTITY_PLACES = 18
MAX_COST_BASIS = Decimal(10) ** 15
MAX_COST_PLACES = 8
_STOCK_SYMBOL = re.compile(SYMBOL_PATTERN)


@dataclass(frozen=True, slots=True)
class HoldingSpec:
    """What a client asks for; `currency` (of the cost basis) defaults to the first VS_CURRENCIES."""

    symbol: str
    kind: AssetKind
    quantity: object
    cost_basis: object = None
    currency: str | None = None


def exact(raw: object, name: str, *, low_exclusive: bool, high: Decimal, places: int) -> Decimal:
    """`raw` (text, an int, or a float read through its repr) as a normalised Decimal within
    (0 or above 0, `high`] with at most `places` decimals, or InvalidInput naming `name`."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise InvalidInput(f"{name} must be a decimal number like \"0.5\"", code=f"invalid_{name}")
    try:
        value = Decimal(repr(raw) if isinstance(raw, float) else str(raw).strip())
    except InvalidOperation:
        raise InvalidInput(f"{name} must be a decimal number like \"0.5\"", code=f"invalid_{name}") from None
    if not value.is_finite():
        raise InvalidInput(f"{name} must be a finite number", code=f"invalid_{name}")
    if value < 0 or (low_exclusive and value == 0):
        bound = "above 0" if low_exclusive else "0 or more"
        raise InvalidInput(f"{name} must be {bound}, not {value}", code=f"invalid_{name}")
    if value > high:
        raise InvalidInput(f"{name} must be at most {high:,.0f}, not {value:,}", code=f"invalid_{name}")
    value = normalised(value)
    if -value.as_tuple().exponent > places:  # type: ignore[operator]
        raise InvalidInput(f"{name} may have at most {places} decimal places", code=f"invalid_{name}")
    return value


def normalised(value: Decimal) -> Decimal:
    """Trailing zeros dropped, never a positive exponent: 0.50 -> 0.5, 100 -> 100 (not 1E+2).
    Within 40 digits: the largest quantity with all its places has 34, which the default
    28-digit context would round."""
    with localcontext(prec=40):
        value = value.normalize()
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def quantity_of(raw: object) -> Decimal:
    return exact(raw, "quantity", low_exclusive=True, high=MAX_QUANTITY, places=MAX_QUANTITY_PLACES)


def cost_basis_of(raw: object) -> Decimal | None:
    if raw is None:
        return None
    return exact(raw, "cost_basis", low_exclusive=False, high=MAX_COST_BASIS, places=MAX_COST_PLACES)


def symbol_of(raw: object, kind: AssetKind, settings: Settings) -> str:
    """A coin the updater prices (SUPPORTED_SYMBOLS), or a stock ticker that is not also one of
    those coins: prices are kept by symbol, so a stock `ETH` would shadow the coin."""
    symbol = raw.strip().upper() if isinstance(raw, str) else ""
    if kind is AssetKind.CRYPTO:
        if symbol not in settings.supported_symbols:
            raise InvalidInput(
                f"{symbol[:16] or 'symbol'} is not a coin this service prices; "
                f"choose one of {', '.join(settings.supported_symbols)}",
                code="unknown_symbol",
            )
        return symbol
    if not _STOCK_SYMBOL.match(symbol):
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


def too_many(count: int) -> InvalidInput:
    """The refusal the stores raise when an add would pass MAX_ASSETS_PER_USER."""
    return InvalidInput(
        f"a portfolio holds at most {MAX_ASSETS_PER_USER} assets and this one has {count}; "
        "remove one first",
        code="too_many_assets",
    )
