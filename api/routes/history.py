"""Sparkline history for watch complications: a fixed number of evenly spaced points.

The series ends at the current minute and its last point is the latest price (the one
/v1/prices serves, even when it came in during this minute); every request within that minute
gets the same bytes (and ETag) until a new price arrives. Every shape is sampled from points
held in memory per symbol and currency (`api.history_series`), read from the store off the event
loop at most three times per minute and price: a key asking for shape after shape makes the
store do hardly more than one asking for one."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from api import params
from api.history_series import SeriesBook
from api.operations import Param, operation, path
from api.payload import encode_history
from api.price_bodies import snapshot
from api.responses import etag_of, header, send_cached_body
from api.services import Services, per_app
from shared.errors import NotFound
from shared.ids import now
from shared.limits import (
    DEFAULT_HISTORY_HOURS,
    DEFAULT_HISTORY_POINTS,
    MAX_HISTORY_HOURS,
    MAX_HISTORY_POINTS,
    MIN_HISTORY_POINTS,
)
from shared.models import SIMULATED_SOURCE
from shared.shapes.prices import History


@operation(
    "GET", "Evenly spaced history points for a sparkline", response=History, raw=True, cached=True,
    errors=(400, 404),
    params=(
        params.SYMBOL_IN_PATH,
        params.VS,
        Param("hours", Annotated[int, Meta(ge=1, le=MAX_HISTORY_HOURS)], default=DEFAULT_HISTORY_HOURS),
        Param("points", Annotated[int, Meta(ge=MIN_HISTORY_POINTS, le=MAX_HISTORY_POINTS)],
              default=DEFAULT_HISTORY_POINTS),
    ),
)
async def history(scope: Scope, receive: Receive, send: Send) -> None:
    services: Services = scope["app"].state.services
    settings = services.settings
    request = Request(scope)
    symbol = params.symbol(scope["path_params"]["symbol"])
    if symbol not in settings.supported_symbols:
        raise NotFound(f"{symbol} is not among the supported symbols", code="unknown_symbol")
    currency, stated_currency = params.currency(request, settings)
    hours = params.integer(request, "hours", DEFAULT_HISTORY_HOURS, 1, MAX_HISTORY_HOURS)
    count = params.integer(request, "points", DEFAULT_HISTORY_POINTS, MIN_HISTORY_POINTS, MAX_HISTORY_POINTS)
    interval = max(60, hours * 3600 // count)
    at = now()
    end = at - at % 60
    latest = (await snapshot(services)).prices.get((symbol, currency))
    cache_key = (symbol, currency, stated_currency, interval, count, end, latest.updated_at if latest else None)
    cached = services.history.get(cache_key)
    if cached is None:
        book = per_app(scope["app"], "history_series", lambda: SeriesBook(services.store))
        start = end - interval * count  # one extra interval so the first slot has a price
        held = await book.series(symbol, currency, start, end, latest.updated_at if latest else None)
        series = held.sample(start, interval, count)
        if latest is not None:
            series[-1] = latest.price  # also when it came in after the minute began
        simulated = held.simulated or (latest is not None and latest.source == SIMULATED_SOURCE)
        body = encode_history(symbol, stated_currency, end, interval, series, simulated)
        cached = services.history[cache_key] = (body, etag_of(body))
    body, etag = cached
    await send_cached_body(send, body, etag, header(scope, b"if-none-match"), max_age=end + 60 - at)


routes = [path("/history/{symbol}", history)]
