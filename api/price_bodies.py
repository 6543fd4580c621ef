"""Price bodies as the watch routes and the fast lane send them: the snapshot, the body
memoised per query and snapshot, its ETag and max-age. Both import this module, which imports
no route, so the fast lane stays a layer below the routes it short-cuts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import msgspec
from starlette.requests import Request
from starlette.types import Scope, Send

from api.payload import encode_price, encode_prices
from api.responses import etag_of, header, send_cached_body
from api.services import Services
from api.storecall import call
from shared.cache import PriceSnapshot
from shared.ids import next_tick, now
from shared.models import UpdateStatus

MIN_MAX_AGE = 5


class EncodedPrices(msgspec.Struct, frozen=True):
    body: bytes
    etag: str
    stale_at: int  # when this body's fresh flag stops being true
    refresh_due: int | None  # when the next cycle is expected to bring new data


async def snapshot(services: Services) -> PriceSnapshot[EncodedPrices]:
    book = services.prices
    current = book.current()
    if current is None:
        current = await call(services.store, book.reload)
    return current


def refresh_due(status: UpdateStatus | None, interval: int) -> int | None:
    """When the next cycle is due. The local loop runs at wall-clock multiples of the interval
    and a scheduled Lambda an interval after the last run, so the next refresh is expected at
    the earlier of the two (a watch asking early costs a 304)."""
    if status is None:
        return None
    return min(status.finished_at + interval, int(next_tick(status.finished_at, interval)))


def max_age(due: int | None, interval: int, at: int) -> int:
    """Cache-Control max-age for a watch: the seconds until the next refresh is due."""
    if due is None:
        return MIN_MAX_AGE
    return max(MIN_MAX_AGE, min(interval, due - at))


class PriceQuery(NamedTuple):
    """What a price request asks for, parsed once per distinct URL (see remembered_query). A
    tuple, so that keying the snapshot's bodies by it hashes in C on every poll."""

    symbols: tuple[str, ...]
    currency: str
    stated_currency: str | None  # the currency the body names, None when the request named it
    one_coin: bool  # /v1/prices/{symbol}: the single-coin body


def encoded(services: Services, snap: PriceSnapshot[EncodedPrices], query: PriceQuery, at: int) -> EncodedPrices:
    """The body for this query, memoised per snapshot until its stale flag would change."""
    cached = snap.bodies.get(query)
    if cached is not None and at < cached.stale_at:
        return cached
    currency = query.currency
    points = [snap.prices[(s, currency)] for s in query.symbols if (s, currency) in snap.prices]
    oldest = min((p.updated_at for p in points), default=0)
    stale_after = services.settings.stale_after_seconds
    stale = bool(points) and at - oldest > stale_after
    if query.one_coin:
        body = encode_price(points[0] if points else None, query.stated_currency, stale)
    else:
        served = {p.symbol for p in points}
        unknown = [s for s in query.symbols if s not in served]
        body = encode_prices(points, query.stated_currency, unknown, stale)
    result = EncodedPrices(
        body,
        etag_of(body),
        stale_at=(2**62 if stale else oldest + stale_after + 1),
        refresh_due=refresh_due(snap.status, services.settings.update_interval_seconds),
    )
    snap.bodies[query] = result
    return result


async def respond(services: Services, scope: Scope, send: Send, query: PriceQuery) -> None:
    await send_prices(services, await snapshot(services), scope, send, query)


async def send_prices(
    services: Services,
    snap: PriceSnapshot[EncodedPrices],
    scope: Scope,
    send: Send,
    query: PriceQuery,
    extra_headers: Sequence[tuple[bytes, bytes]] = (),
) -> int:
    """Send the body for `query` (200, or 304 to a matching If-None-Match); the status sent."""
    at = now()
    result = encoded(services, snap, query, at)
    seconds = max_age(result.refresh_due, services.settings.update_interval_seconds, at)
    return await send_cached_body(
        send, result.body, result.etag, header(scope, b"if-none-match"), seconds, extra_headers
    )


def remembered_query(services: Services, scope: Scope, parse: Callable[[Request], PriceQuery]) -> PriceQuery:
    """Watches repeat the same request on every poll, so its parsed form is remembered by path
    and raw query string (valid ones only: a bad query is parsed, and refused, every time). The
    fast lane serves the repeats from here."""
    cache_key = (scope["path"], scope["query_string"])
    parsed = services.price_queries.get(cache_key)
    if parsed is None:
        parsed = parse(Request(scope))
        services.price_queries[cache_key] = parsed
    return parsed
