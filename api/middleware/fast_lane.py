"""The request watches make all day, served in one step ahead of the full stack.

A watch polls the same price URL with the same key every few minutes. Once this instance has
seen that URL (its parsed query is remembered) and knows the key (it is in the key cache and in
force), the answer needs nothing but the rate-limit count and the in-memory price snapshot. The
lane does exactly that, with the same pieces the full stack uses (key cache, limiter, body
encoding, 429), and hands everything else down unchanged: a first poll, an unknown, expired or
revoked key, a cold price cache, any other route. Starlette's middleware and routing layers
cost more than the rest of such a request together, so skipping them for it is what keeps the
watch path close to a bare route (docs/benchmarks.md).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.middleware.auth import cached_key
from api.middleware.rate_limit import admit
from api.price_bodies import send_prices
from api.services import Services

PRICES_PREFIX = "/v1/prices"


class FastLaneMiddleware:
    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        services = self.services
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(PRICES_PREFIX)
            or (query := services.price_queries.get((scope["path"], scope["query_string"]))) is None
            or (snap := services.prices.current()) is None
            or (key := cached_key(services, scope, at := services.clock())) is None
        ):
            await self.app(scope, receive, send)
            return
        decision = await admit(services, key, at, scope, receive, send)
        if decision is not None:
            await send_prices(services, snap, scope, send, query, decision.raw_headers())
