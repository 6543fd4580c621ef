"""Watch price routes: compact bodies from the in-process PriceBook, ETag/304, and a
Cache-Control max-age that tells the watch when new data can exist."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import params
from api.payload import encode_prices
from api.responses import cached_body, etag_of
from api.services import Services
from api.storecall import call
from shared.cache import PriceSnapshot
from shared.errors import NotFound
from shared.ids import now
from shared.models import UpdateStatus

MIN_MAX_AGE = 5


@dataclass(frozen=True, slots=True)
class EncodedPrices:
    body: bytes
    etag: str
    stale_at: int  # when this body's fresh flag stops being true


async def snapshot(services: Services) -> PriceSnapshot[EncodedPrices]:
    book = services.prices
    current = book.current()
    if current is None:
        current = await call(services.store, book.reload)
    return current


def seconds_to_next_refresh(status: UpdateStatus | None, interval: int, at: int) -> int:
    """max-age for a watch: until the next cycle is due (the last one's end + interval)."""
    if status is None:
        return MIN_MAX_AGE
    return max(MIN_MAX_AGE, min(interval, status.finished_at + interval - at))


def encoded(
    services: Services, snap: PriceSnapshot[EncodedPrices], symbols: tuple[str, ...], currency: str, at: int
) -> EncodedPrices:
    """The body for these symbols, memoised per snapshot until its stale flag would change."""
    cache_key = (symbols, currency)
    cached = snap.bodies.get(cache_key)
    if cached is not None and at < cached.stale_at:
        return cached
    points = [snap.prices[(s, currency)] for s in symbols if (s, currency) in snap.prices]
    served = {p.symbol for p in points}
    oldest = min((p.updated_at for p in points), default=0)
    stale_after = services.settings.stale_after_seconds
    stale = bool(points) and at - oldest > stale_after
    body = encode_prices(points, currency, [s for s in symbols if s not in served], stale)
    result = EncodedPrices(body, etag_of(body), stale_at=(2**62 if stale else oldest + stale_after + 1))
    snap.bodies[cache_key] = result
    return result


async def respond(request: Request, symbols: tuple[str, ...], currency: str) -> Response:
    services: Services = request.app.state.services
    snap = await snapshot(services)
    at = now()
    result = encoded(services, snap, symbols, currency, at)
    max_age = seconds_to_next_refresh(snap.status, services.settings.update_interval_seconds, at)
    return cached_body(result.body, result.etag, request.headers.get("if-none-match"), max_age)


async def list_prices(request: Request) -> Response:
    """Watches repeat the same query on every poll, so its parsed form is remembered by the raw
    query string (valid ones only: a bad query is parsed, and refused, every time)."""
    services: Services = request.app.state.services
    query_string: bytes = request.scope["query_string"]
    parsed = services.price_queries.get(query_string)
    if parsed is None:
        parsed = params.symbols(request, services.settings), params.currency(request, services.settings)
        services.price_queries[query_string] = parsed
    return await respond(request, *parsed)


async def one_price(request: Request) -> Response:
    settings = request.app.state.services.settings
    symbol = params.symbol(request.path_params["symbol"])
    if symbol not in settings.supported_symbols:
        raise NotFound(f"{symbol} is not among the supported symbols", code="unknown_symbol")
    return await respond(request, (symbol,), params.currency(request, settings))


routes = [
    Route("/v1/prices", list_prices, methods=["GET"]),
    Route("/v1/prices/{symbol}", one_price, methods=["GET"]),
]
