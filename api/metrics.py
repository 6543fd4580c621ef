"""Request count, latency and status class per route, for every request: as CloudWatch embedded
metric lines on Lambda (`api/metrics_emf.py`), as Prometheus metrics elsewhere
(`api/metrics_prometheus.py`, served on /metrics).

The watch fast lane (`api/middleware/fast_lane.py`) counts its own answers: it knows their route
and status, so no layer wraps `send` for a repeat poll, the request the lane exists to make cheap
(docs/benchmarks.md, "The metrics off the fast lane"). This module's middleware, right below the
lane, counts every other answer.
CORS preflights, which the CORS layer answers above both, are not counted.

The route is the path template (`/v1/prices/{symbol}`), never the raw path, so a scan of made-up
paths cannot grow the metrics: whatever no route matches is `other`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Protocol

import msgspec
from cachetools import LRUCache
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.config import Settings

UNMATCHED = "other"


class Observer(Protocol):
    def observe(self, route: str, status: int, seconds: float) -> None: ...


class RouteNames:
    """The template of the route a path goes to, remembered for the last 1,024 paths."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self._routes = routes
        self._known: LRUCache[str, str] = LRUCache(maxsize=1024)

    def of(self, scope: Scope) -> str:
        path: str = scope["path"]
        name = self._known.get(path)
        if name is None:
            name = self._known[path] = template(self._routes, scope) or UNMATCHED
        return name


def template(routes: Sequence[BaseRoute], scope: Scope, prefix: str = "") -> str | None:
    """The full template of the route `scope` goes to, through mounts (/v1 + /prices/{symbol})."""
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route, Mount):
            return template(route.routes, {**scope, **child}, prefix + route.path)
        return prefix + getattr(route, "path", "")
    return None


class MetricsMiddleware:
    """Below the fast lane, above everything else, so every other answer counts: a refusal's,
    a 500's."""

    def __init__(self, app: ASGIApp, observer: Observer, names: RouteNames) -> None:
        self.app = app
        self.observer = observer
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        route = self.names.of(scope)  # before routing, which rewrites the scope's root_path
        status = 500  # an exception before any answer is what the client sees as a 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.observer.observe(route, status, time.perf_counter() - started)


class Metrics(msgspec.Struct, frozen=True):
    observer: Observer
    routes: list[BaseRoute]


def metrics_setup(settings: Settings) -> Metrics:
    """EMF lines on Lambda (no network call, nothing to scrape there); Prometheus and its
    /metrics route elsewhere. Each is imported only where it is used."""
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        from api.metrics_emf import EmfMetrics

        return Metrics(EmfMetrics(settings.environment), [])
    from api import metrics_prometheus as prometheus

    return Metrics(prometheus.PrometheusMetrics.shared(), list(prometheus.routes))
