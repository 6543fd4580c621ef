"""Sparkline history for watch complications: a fixed number of evenly spaced points.

The series ends at the current minute and its last point is the latest price (the one
/v1/prices serves, even when it came in during this minute); every request within that minute
gets the same bytes (and ETag) until a new price arrives, and the store is read once per minute
and price per shape, not per request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from api import params
from api.payload import encode_history, resample
from api.responses import Endpoint, etag_of, header, send_cached_body
from api.routes.prices import snapshot
from api.services import Services
from api.storecall import call
from shared.errors import NotFound
from shared.ids import now
from shared.models import SIMULATED_SOURCE

MAX_HOURS = 24 * 30
MAX_POINTS = 96


async def history(scope: Scope, receive: Receive, send: Send) -> None:
    services: Services = scope["app"].state.services
    settings = services.settings
    request = Request(scope)
    symbol = params.symbol(scope["path_params"]["symbol"])
    if symbol not in settings.supported_symbols:
        raise NotFound(f"{symbol} is not among the supported symbols", code="unknown_symbol")
    currency, stated_currency = params.currency(request, settings)
    hours = params.integer(request, "hours", 24, 1, MAX_HOURS)
    count = params.integer(request, "points", 24, 2, MAX_POINTS)
    interval = max(60, hours * 3600 // count)
    at = now()
    end = at - at % 60
    latest = (await snapshot(services)).prices.get((symbol, currency))
    cache_key = (symbol, currency, stated_currency, interval, count, end, latest.updated_at if latest else None)
    cached = services.history.get(cache_key)
    if cached is None:
        start = end - interval * count  # one extra interval so the first slot has a price
        points = await call(services.store, services.store.price_history, symbol, currency, start, end)
        series = resample(points, end, interval, count)
        if latest is not None:
            series[-1] = latest.price  # also when it came in after the minute began
        simulated = any(p.source == SIMULATED_SOURCE for p in (*points, *([latest] if latest else [])))
        body = encode_history(symbol, stated_currency, end, interval, series, simulated)
        cached = services.history[cache_key] = (body, etag_of(body))
    body, etag = cached
    await send_cached_body(send, body, etag, header(scope, b"if-none-match"), max_age=end + 60 - at)


routes = [Route("/v1/history/{symbol}", Endpoint(history), methods=["GET"])]
