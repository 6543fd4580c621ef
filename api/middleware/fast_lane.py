"""The request watches make all day, served in one step ahead of the full stack.

A watch polls the same price URL with the same key every few minutes. Once this instance has
seen that URL (its parsed query is remembered) and knows the key (it is in the key cache and in
force), the answer needs nothing but the rate-limit count and the in-memory price snapshot. The
lane does exactly that, with the same pieces the full stack uses (key cache, limiter, body
encoding, 429), and hands everything else down unchanged: a first poll, an unknown, expired or
revoked key, a cold price cache, any other route. Starlette's middleware and routing layers
cost more than the rest of such a request together, so skipping them for it is what keeps the
watch path close to a bare route (docs/benchmarks.md).

The lane counts its own answers in the request metrics (`api/metrics.py`), which sit below it:
it knows the route and the status it sends, so no layer has to wrap `send` to learn them.
"""

from __future__ import annotations

import time

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.metrics import Observer
from api.middleware.auth import cached_key
from api.middleware.rate_limit import admit
from api.price_bodies import send_prices
from api.services import Services

PRICES_PREFIX = "/v1/prices"
#: The route templates the lane answers for, as the metrics name them: by PriceQuery.one_coin.
ROUTES = {False: "/v1/prices", True: "/v1/prices/{symbol}"}


class FastLaneMiddleware:
    def __init__(self, app: ASGIApp, services: Services, observer: Observer) -> None:
        self.app = app
        self.services = services
        self.observer = observer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()  # the key and query lookups count in the lane's latency
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
        status = 500  # what the client sees when this raises
        try:
            decision = await admit(services, key, at)
            if isinstance(decision, Response):
                status = decision.status_code
                await decision(scope, receive, send)
            else:
                status = await send_prices(services, snap, scope, send, query, decision.raw_headers())
        finally:
            self.observer.observe(ROUTES[query.one_coin], status, time.perf_counter() - started)
