"""Portfolio: the holdings an owner manages, the summary a companion or richer client reads,
and the watch's compact body (encoded by hand in `api/portfolio_body.py`; a test decodes its
output into `Portfolio`, so the two cannot drift). Quantities and cost bases are exact decimals:
sent as text or a JSON number, always answered as text."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from msgspec import UNSET, Meta, UnsetType

from shared.limits import MAX_CURRENCY, MAX_SYMBOL, SYMBOL_PATTERN
from shared.models import AssetKind
from shared.portfolio import COST_PATTERN, MAX_COST_PLACES, MAX_QUANTITY_PLACES, QUANTITY_PATTERN
from shared.shapes.base import Epoch, Request, Response, checked, configured, text
from shared.shapes.prices import Flag, StatedCurrency

Quantity = Annotated[
    str,
    Meta(
        pattern=QUANTITY_PATTERN,
        description=f"decimal text such as \"0.5\": 0 or more, at most {MAX_QUANTITY_PLACES} decimal places; "
        "kept exactly as written",
        extra={"code": "invalid_quantity"},
    ),
]
CostBasis = Annotated[
    str,
    Meta(
        pattern=COST_PATTERN,
        description=f"the total paid, in `currency`, as decimal text: at most {MAX_COST_PLACES} decimal places",
        extra={"code": "invalid_cost_basis"},
    ),
]
Money = Annotated[float, Meta(description="in the currency of the portfolio asked for")]


#: A coin symbol for kind crypto; a stock ticker that is not a coin's for kind stock.
KIND_RULE: dict[str, Any] = {
    "if": {"properties": {"kind": {"const": "crypto"}}, "required": ["kind"]},
    "then": {"properties": {"symbol": {"x-configured": "Symbol"}}},
    "else": {"properties": {"symbol": {"not": {"x-configured": "Symbol"}}}},
}


class AssetCreate(Request):
    schema_rules: ClassVar[list[dict[str, Any]]] = [KIND_RULE]

    symbol: checked(
        str, "invalid_symbol", {"maxLength": MAX_SYMBOL, "pattern": SYMBOL_PATTERN},
        description="a supported coin (kind crypto) or a stock ticker such as AAPL or BRK-B (kind stock)",
    )
    kind: AssetKind
    quantity: Quantity
    cost_basis: CostBasis | None = None
    currency: (
        configured("Currency", text(MAX_CURRENCY, code="unsupported_currency"))
        | None
    ) = None


class AssetChange(Request):
    """A new quantity and cost basis (left out: none); the symbol and kind stay."""

    quantity: Quantity
    cost_basis: CostBasis | None = None


DecimalText = Annotated[str, Meta(description="exact decimal text, never an exponent", pattern=r"^[0-9]+(\.[0-9]+)?$")]


class Asset(Response):
    id: str
    symbol: str
    kind: AssetKind
    quantity: DecimalText
    cost_basis: DecimalText | None
    currency: Annotated[str, Meta(description="of the cost basis")]
    created_at: Epoch
    updated_at: Epoch


class Assets(Response):
    items: list[Asset]


class AssetValue(Asset):
    price: Annotated[float | None, Meta(description="latest price, null while there is none in this currency")]
    change_24h: Annotated[float | None, Meta(description="percent")]
    value: Money | None
    profit: Annotated[float | None, Meta(description="value minus cost basis, when both are known")]
    closed: Annotated[bool, Meta(description="a stock at its last close (market closed)")]


class PortfolioSummary(Response):
    user_id: str
    currency: str
    total: Annotated[Money, Meta(description="the priced holdings' value")]
    crypto: Money
    stock: Money
    change_24h: Annotated[float | None, Meta(description="percent, value-weighted; null when nothing is priced")]
    profit: Annotated[
        Money | None, Meta(description="against the cost basis; null when none, or one such holding is unpriced")
    ]
    priced_at: Annotated[int, Meta(description="the oldest price used, epoch seconds (0: none)")]
    stale: bool
    closed: bool
    simulated: bool
    unpriced: Annotated[list[str], Meta(description="symbols without a price in this currency")]
    holdings: list[AssetValue]


class Portfolio(Response, omit_defaults=True, kw_only=True):
    """The watch body, at most 60 bytes in normal use."""

    c: StatedCurrency | UnsetType = UNSET
    t: Annotated[int, Meta(description="the oldest price used, epoch seconds (0: none)")]
    v: Annotated[float, Meta(description="total value, six significant digits")]
    h: Annotated[float, Meta(description="24 h change of the whole, percent")] | UnsetType = UNSET
    g: Annotated[float, Meta(description="profit or loss against the cost basis")] | UnsetType = UNSET
    n: Annotated[int, Meta(description="seconds until the next refresh is due")]
    u: Annotated[Flag, Meta(description="present when a holding has no price yet")] | UnsetType = UNSET
    s: Annotated[Flag, Meta(description="present when stale")] | UnsetType = UNSET
    d: Annotated[Flag, Meta(description="present when the prices are simulated (demo)")] | UnsetType = UNSET
    m: Annotated[Flag, Meta(description="present when a stock is at its last close")] | UnsetType = UNSET
