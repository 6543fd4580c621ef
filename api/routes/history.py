"""Sparkline history for watch complications: a fixed number of evenly spaced points.

The series ends at the current minute, so its last point is the latest price; every request
within that minute gets the same bytes (and ETag), and the store is read once per minute per
shape, not per request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import params
from api.payload import encode_history, resample
from api.responses import cached_body, etag_of
from api.services import Services
from api.storecall import call
from shared.errors import NotFound
from shared.ids import now

MAX_HOURS = 24 * 30
MAX_POINTS = 96


async def history(request: Request) -> Response:
    services: Services = request.app.state.services
    settings = services.settings
    symbol = params.symbol(request.path_params["symbol"])
    if symbol not in settings.supported_symbols:
        raise NotFound(f"{symbol} is not among the supported symbols", code="unknown_symbol")
    currency = params.currency(request, settings)
    hours = params.integer(request, "hours", 24, 1, MAX_HOURS)
    count = params.integer(request, "points", 24, 2, MAX_POINTS)
    interval = max(60, hours * 3600 // count)
    at = now()
    end = at - at % 60
    cache_key = (symbol, currency, interval, count, end)
    cached = services.history.get(cache_key)
    if cached is None:
        start = end - interval * count  # one extra interval so the first slot has a price
        points = await call(services.store, services.store.price_history, symbol, currency, start, end)
        body = encode_history(symbol, currency, end, interval, resample(points, end, interval, count))
        cached = services.history[cache_key] = (body, etag_of(body))
    body, etag = cached
    return cached_body(body, etag, request.headers.get("if-none-match"), max_age=end + 60 - at)


routes = [Route("/v1/history/{symbol}", history, methods=["GET"])]
