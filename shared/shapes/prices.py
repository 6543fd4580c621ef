"""The compact watch bodies (see `api/payload.py`, which encodes them by hand for speed; a test
decodes its output into these models, so the two cannot drift). Optional keys are left out,
not null: every byte counts on a watch."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from shared.shapes.base import Response

# A pair, not `prefixItems`: schemathesis 4 turns a nested prefixItems into a draft-4 `items`
# list and then rejects the document (schemathesis#4099).
Quote = Annotated[
    list[float | None], Meta(min_length=2, max_length=2, description="[price, 24h change % or null]")
]
StatedCurrency = Annotated[str, Meta(description="quote currency, present only when the request had no vs")]
Flag = Literal[1]
Updated = Annotated[int, Meta(description="update time, epoch seconds (0 while there is no price)")]
#: Always sent (added as the body leaves, api/payload.py `with_next_refresh`), optional here so
#: that the memoised body without it decodes too.
NextRefresh = Annotated[
    int, Meta(ge=0, description="seconds until the next refresh is due: Cache-Control max-age, for a watch that "
              "cannot read headers")
]


class Prices(Response, omit_defaults=True, kw_only=True):
    c: StatedCurrency | UnsetType = UNSET
    t: Updated
    p: Annotated[dict[str, Quote], Meta(description="symbol -> [price, 24h change % or null]")]
    u: Annotated[list[str], Meta(description="unknown symbols")] | UnsetType = UNSET
    s: Annotated[Flag, Meta(description="present when stale")] | UnsetType = UNSET
    d: Annotated[Flag, Meta(description="present when the prices are simulated (demo)")] | UnsetType = UNSET
    m: Annotated[list[str], Meta(description="stocks priced at their last close (market closed)")] | UnsetType = UNSET
    n: NextRefresh | UnsetType = UNSET


class Price(Response, omit_defaults=True, kw_only=True):
    c: StatedCurrency | UnsetType = UNSET
    t: Updated
    p: Annotated[Quote | None, Meta(description="null while the symbol has no price yet")]
    s: Annotated[Flag, Meta(description="present when stale")] | UnsetType = UNSET
    d: Annotated[Flag, Meta(description="present when the prices are simulated (demo)")] | UnsetType = UNSET
    m: Annotated[Flag, Meta(description="present when a stock is at its last close")] | UnsetType = UNSET
    n: NextRefresh | UnsetType = UNSET


class History(Response, omit_defaults=True, kw_only=True):
    s: Annotated[str, Meta(description="symbol")]
    c: StatedCurrency | UnsetType = UNSET
    t: Annotated[int, Meta(description="time of the last point")]
    i: Annotated[int, Meta(description="seconds between points")]
    p: Annotated[list[float | None], Meta(description="oldest first, null = no data")]
    d: Annotated[Flag, Meta(description="present when any point is simulated (the demo's history)")] | UnsetType = UNSET
    n: Annotated[NextRefresh, Meta(description="seconds until the series moves on (its max-age)")] | UnsetType = UNSET
