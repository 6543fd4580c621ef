"""uvicorn's httptools protocol with the three limits uvicorn does not have (uvicorn issue #157).

- The request head (request line and header fields) is capped at `max_header_bytes`: past it
  the client gets a 431 and the connection is closed. httptools buffers a field it has not seen
  the end of by concatenating bytes, so a head that never ends grew a worker by ~100 MB; bytes
  are counted as they arrive, before the parser has to hold them.
- A request must arrive whole (head and body) within `request_timeout_seconds` of its first
  byte, or of the connection's opening: uvicorn's keep-alive timer only runs between requests,
  and every byte received resets it. A late head gets a 408, a late body a closed connection.
- A worker holds at most `max_connections` connections. At the cap a new connection closes
  the one that has waited longest for a request (idle keep-alive or a request still arriving;
  never one being answered), as nginx reuses idle keep-alive connections when it runs short,
  so a flood of slow clients cannot lock a watch or a monitor out; when every connection is
  busy answering, the new one is closed.

uvicorn's own knobs do not cover this: `h11_max_incomplete_event_size` applies to h11 only,
`timeout_keep_alive` to the time between requests, and `limit_concurrency` answers 503 to the
request that arrives after the cap, which during a flood is the watch's.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from api.responses import error_response
from shared.config import Settings


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    max_header_bytes: int = 16_384
    request_timeout_seconds: float = 5.0
    max_connections: int = 512

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(settings.max_header_bytes, settings.request_timeout_seconds, settings.max_connections)


def raw_error(status: int, code: str, message: str) -> bytes:
    """A complete JSON error response that closes the connection, for answers given before
    (or instead of) the app: the request is not whole, so there is no scope to run it with."""
    body = orjson.dumps({"error": code, "message": message})
    head = b"content-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(body)
    return STATUS_LINE[status] + head + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """Per connection: bytes of the head so far, the current request's deadline, and since when
    the connection has been waiting for a request (what picks the one to close at the cap)."""

    def __init__(
        self, config: Config, server_state: ServerState, app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits: ConnectionLimits = getattr(config, "limits", ConnectionLimits())
        self.reading_head = True
        self.head_bytes = 0  # raw bytes received while the head is incomplete
        self.head_size = 0  # request target and header fields as the parser hands them over
        self.deadline: asyncio.TimerHandle | None = None
        self.waiting_since = self.loop.time()
        limit = self.limits.max_header_bytes
        self.too_large = f"the request line and headers are longer than {limit} bytes"
        self.refuse_head = error_response(431, "headers_too_large", self.too_large, {"Connection": "close"})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.arm()
        if len(self.connections) > self.limits.max_connections:
            self.make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self.disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.reading_head:
            self.head_bytes += len(data)
        super().data_received(data)
        if self.reading_head and self.head_bytes > self.limits.max_header_bytes:
            self.answer_and_close(431, "headers_too_large", self.too_large)

    # parser callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.deadline is None:  # a later request on a kept-alive connection
            self.arm()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self.head_size += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self.head_size += len(name) + len(value) + 4  # ": " and CRLF

    def on_headers_complete(self) -> None:
        """A head that arrived whole in one read is measured here; a too long one is answered
        by a 431 in place of the app, as uvicorn answers 503 for `limit_concurrency`."""
        oversize = self.head_size > self.limits.max_header_bytes
        self.reading_head, self.head_bytes, self.head_size = False, 0, 0
        if not oversize:
            super().on_headers_complete()
            return
        self.app = self.refuse_head
        try:
            super().on_headers_complete()
        finally:
            self.app = self.config.loaded_app

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.disarm()
        self.reading_head = True

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.waiting_since = self.loop.time()

    # limits
    def arm(self) -> None:
        self.deadline = self.loop.call_later(self.limits.request_timeout_seconds, self.expire)

    def disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def expire(self) -> None:
        """The request did not arrive in time: a silent close when nothing came (an idle new
        connection), a 408 when part of the head did, a plain close once the app is reading
        the body (it sees the client disconnect)."""
        self.deadline = None
        if self.reading_head and self.head_bytes:
            limit = self.limits.request_timeout_seconds
            self.answer_and_close(408, "request_timeout", f"the request did not arrive whole within {limit:g} s")
        elif not self.transport.is_closing():
            self.transport.close()

    def answer_and_close(self, status: int, code: str, message: str) -> None:
        if not self.transport.is_closing():
            self.transport.write(raw_error(status, code, message))
            self.transport.close()

    def waiting(self) -> bool:
        """Open, and no request of this connection is being answered."""
        return not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete)

    def make_room(self) -> None:
        """Over the cap: close the connection that has waited longest for a request, or this
        new one when all the others are being answered."""
        waiting = [
            c for c in self.connections if c is not self and isinstance(c, GuardedHttpToolsProtocol) and c.waiting()
        ]
        victim = min(waiting, key=lambda c: c.waiting_since) if waiting else self
        victim.transport.close()
