"""Refuse an oversize query string before any work is done for it.

A watch asks for a few symbols and the admin API for a page, so a query string longer than
MAX_QUERY_BYTES (room for 250 symbols) is a mistake or abuse: it gets a 414 JSON error before
any key lookup or store call. Beyond uvicorn's own request-line limit the HTTP parser refuses
it first, in plain text."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.responses import error_response

MAX_QUERY_BYTES = 4096


class QueryLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_QUERY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and len(scope["query_string"]) > self.max_bytes:
            response = error_response(
                414, "query_too_long", f"the query string is longer than {self.max_bytes} bytes"
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
