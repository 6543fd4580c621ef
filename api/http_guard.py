"""uvicorn's httptools protocol with the three limits uvicorn does not have (uvicorn issue #157).

- The request head (request line and header fields) is capped at `max_header_bytes`: past it
  the client gets a 431 and the connection is closed. httptools buffers a field it has not seen
  the end of by concatenating bytes, so a head that never ends grew a worker by ~100 MB; bytes
  are counted as they arrive, before the parser has to hold them.
- A request must arrive whole (head and body) within `request_timeout_seconds` of its first
  byte, or of the connection's opening: uvicorn's keep-alive timer only runs between requests,
  and every byte received resets it. A late head gets a 408, a late body a closed connection.
  Each connection notes its deadline, and one sweep per server, every quarter of the timeout
  (at most a second), times out the late ones: a timer per request cost the watch path more
  than its rate limiting does.
- A worker holds at most `max_connections` connections. At the cap a new connection closes
  the one whose request began longest ago among those waiting for a request (idle keep-alive
  or a request still arriving; never one being answered), as nginx reuses idle keep-alive
  connections when it runs short, so a flood of slow clients cannot lock a watch or a monitor
  out; when every connection is busy answering, the new one is closed.

Every request's answer goes out in one write (api/joined_writes.py).

uvicorn's own knobs do not cover this: `h11_max_incomplete_event_size` applies to h11 only,
`timeout_keep_alive` to the time between requests, and `limit_concurrency` answers 503 to the
request that arrives after the cap, which during a flood is the watch's.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import Any

import orjson
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from api.joined_writes import JoinedWrites
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
    """Per connection: bytes of the current head so far, and when the current request must be
    whole (a time on the loop's clock, checked by the server's sweep)."""

    def __init__(
        self, config: Config, server_state: ServerState, app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits: ConnectionLimits = getattr(config, "limits", ConnectionLimits())
        self.head_bytes = 0  # raw bytes received since the current head began
        self.deadline = self.loop.time() + self.limits.request_timeout_seconds  # the first request's
        limit = self.limits.max_header_bytes
        self.too_large = f"the request line and headers are longer than {limit} bytes"
        self.refuse_head = error_response(431, "headers_too_large", self.too_large, {"Connection": "close"})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.writes = JoinedWrites(transport, self.loop)
        if self.server_state not in _sweeps:
            _sweep(self.loop, self.server_state, min(1.0, self.limits.request_timeout_seconds / 4))
        if len(self.connections) > self.limits.max_connections:
            self.make_room()

    def data_received(self, data: bytes) -> None:
        cycle = self.cycle
        if cycle is None or not cycle.more_body:  # no body is due: these bytes are a head's
            if not self.head_bytes and cycle is not None:  # a later request on a kept-alive connection
                self.deadline = self.loop.time() + self.limits.request_timeout_seconds
            self.head_bytes += len(data)
        super().data_received(data)
        if self.head_bytes > self.limits.max_header_bytes:  # and still no end of the head
            self.answer_and_close(431, "headers_too_large", self.too_large)

    def on_headers_complete(self) -> None:
        """A head that arrived whole in one read is measured here; a too long one is answered
        by a 431 in place of the app, as uvicorn answers 503 for `limit_concurrency`."""
        self.head_bytes = 0
        head_size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)  # ": ", CRLF
        previous = self.cycle
        if head_size <= self.limits.max_header_bytes:
            super().on_headers_complete()
        else:
            self.app = self.refuse_head
            try:
                super().on_headers_complete()
            finally:
                self.app = self.config.loaded_app
        if self.cycle is not previous:  # not a WebSocket upgrade, which makes no cycle
            self.cycle.transport = self.writes  # type: ignore[assignment]

    # limits
    def check_deadline(self, now: float) -> None:
        """Past the deadline, unless the request is whole (being answered, or the connection is
        idle between requests, which uvicorn's keep-alive timer governs): a silent close when
        nothing came since the connection opened, a 408 when part of a head did, a plain close
        while the body is arriving (the app sees the client disconnect)."""
        if now < self.deadline or self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and cycle.more_body:
            self.transport.close()
        elif self.head_bytes:
            limit = self.limits.request_timeout_seconds
            self.answer_and_close(408, "request_timeout", f"the request did not arrive whole within {limit:g} s")
        elif cycle is None:
            self.transport.close()

    def answer_and_close(self, status: int, code: str, message: str) -> None:
        if not self.transport.is_closing():
            self.transport.write(raw_error(status, code, message))
            self.transport.close()

    def waiting(self) -> bool:
        """Open, and no request of this connection is being answered."""
        return not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete)

    def make_room(self) -> None:
        """Over the cap: close the waiting connection whose request began longest ago, or this
        new one when all the others are being answered."""
        waiting = [
            c for c in self.connections if c is not self and isinstance(c, GuardedHttpToolsProtocol) and c.waiting()
        ]
        victim = min(waiting, key=lambda c: c.deadline) if waiting else self
        victim.transport.close()


#: The pending sweep of each server with open connections.
_sweeps: weakref.WeakKeyDictionary[ServerState, asyncio.TimerHandle] = weakref.WeakKeyDictionary()


def _sweep(loop: asyncio.AbstractEventLoop, state: ServerState, every: float) -> None:
    """Check every connection's deadline, again in `every` seconds while any is open."""
    now = loop.time()
    for connection in list(state.connections):
        if isinstance(connection, GuardedHttpToolsProtocol):
            connection.check_deadline(now)
    if state.connections:
        _sweeps[state] = loop.call_later(every, _sweep, loop, state, every)
    else:
        _sweeps.pop(state, None)
