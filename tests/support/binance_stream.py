"""A local stand-in for Binance's market streams: a real WebSocket server (the websockets library)
on 127.0.0.1 that speaks Binance's format, as binance-spot-api-docs `web-socket-streams.md`
documents it.

- `/stream` is the combined endpoint (events wrapped as `{"stream": name, "data": event}`),
  `/ws` the raw one; both take `SUBSCRIBE`, `UNSUBSCRIBE` and `LIST_SUBSCRIPTIONS` requests and
  answer `{"result": null, "id": n}`, or `{"code": 2, "msg": ..., "id": n}` for an unknown method
  and `{"code": 3, "msg": "Invalid JSON..."}` for garbage.
- Events are the documented `24hrMiniTicker` payload (`SAMPLE_MINI_TICKER`) with the pair, price
  and time a test gives.
- It pings every `ping_interval` seconds (Binance: 20) and drops a connection whose pong does not
  come within `pong_timeout` (Binance: a minute); it drops a connection that sends more than
  `max_requests_per_second` messages (Binance: 5) and one older than `lifetime` (Binance: 24 h).
- A test can drop every connection without a close frame, refuse handshakes, go silent, send
  any text, and announce a server shutdown (`{"e": "serverShutdown", "E": ms}`).

    with running_binance_stream(ping_interval=0.5) as fake:
        settings = replace(settings, binance_ws_url=fake.url)
        fake.tick("BTCUSDT", 101_000.0)
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, TypeVar

import orjson
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

T = TypeVar("T")

#: The documented example payload of `<symbol>@miniTicker`; ticks are this with their own values.
SAMPLE_MINI_TICKER: dict[str, Any] = {
    "e": "24hrMiniTicker",
    "E": 1672515782136,
    "s": "BNBBTC",
    "c": "0.0025",
    "o": "0.0010",
    "h": "0.0025",
    "l": "0.0010",
    "v": "10000",
    "q": "18",
}


def now_ms() -> int:
    return int(time.time() * 1000)


def mini_ticker(pair: str, price: float, open_24h: float | None = None, at_ms: int | None = None) -> dict[str, Any]:
    opened = price if open_24h is None else open_24h
    return {
        **SAMPLE_MINI_TICKER,
        "E": now_ms() if at_ms is None else at_ms,
        "s": pair,
        "c": f"{price:.8f}",
        "o": f"{opened:.8f}",
        "h": f"{max(price, opened):.8f}",
        "l": f"{min(price, opened):.8f}",
    }


@dataclass(eq=False)
class _Connection:
    ws: ServerConnection
    combined: bool
    streams: set[str] = field(default_factory=set)
    received: deque[float] = field(default_factory=deque)


class FakeBinanceStream:
    def __init__(
        self,
        *,
        ping_interval: float = 20.0,
        pong_timeout: float = 60.0,
        lifetime: float = 86_400.0,
        max_requests_per_second: int = 5,
    ) -> None:
        self.ping_interval = ping_interval
        self.pong_timeout = pong_timeout
        self.lifetime = lifetime
        self.max_requests_per_second = max_requests_per_second
        self.port = 0
        self.accepted = 0
        self.refused = 0
        self.pongs = 0
        self.over_limit = 0
        self.requests: list[dict[str, Any]] = []
        self.silent = False
        self._refuse = 0
        self._connections: list[_Connection] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-binance-stream", daemon=True)
        self._server: Server | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/stream"

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

        async def start() -> Server:
            return await serve(self._handle, "127.0.0.1", 0, ping_interval=None, process_request=self._admit)

        self._server = self._run(start())
        self.port = next(iter(self._server.sockets)).getsockname()[1]

    def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        self._run(self._server.wait_closed())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)

    # --- what a test does ----------------------------------------------------------------------
    def tick(self, pair: str, price: float, open_24h: float | None = None) -> int:
        """Send a miniTicker event to every connection subscribed to the pair; to how many."""
        return self.send_event(mini_ticker(pair, price, open_24h))

    def send_event(self, event: dict[str, Any]) -> int:
        name = f"{str(event['s']).lower()}@miniTicker"

        async def send() -> int:
            sent = 0
            for conn in list(self._connections):
                if name in conn.streams:
                    body = {"stream": name, "data": event} if conn.combined else event
                    with contextlib.suppress(ConnectionClosed):
                        await conn.ws.send(orjson.dumps(body).decode())
                        sent += 1
            return sent

        return self._run(send())

    def send_raw(self, message: str | bytes) -> None:
        """Send `message` as it is to every connection."""

        async def send() -> None:
            for conn in list(self._connections):
                with contextlib.suppress(ConnectionClosed):
                    await conn.ws.send(message)

        self._run(send())

    def announce_shutdown(self) -> None:
        self.send_raw(orjson.dumps({"e": "serverShutdown", "E": now_ms()}).decode())

    def drop(self) -> None:
        """Cut every connection's TCP stream, no close frame: a network failure."""

        async def cut() -> None:
            for conn in list(self._connections):
                conn.ws.transport.abort()

        self._run(cut())

    def refuse(self, times: int) -> None:
        """Answer the next `times` handshakes with 503."""
        self._refuse = times

    def live(self) -> int:
        return len(self._connections)

    def subscriptions(self) -> set[str]:
        """The streams of the open connections, together."""
        return {name for conn in list(self._connections) for name in conn.streams}

    # --- the server ------------------------------------------------------------------------------
    def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        if self._refuse > 0:
            self._refuse -= 1
            self.refused += 1
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "busy\n")
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        path = ws.request.path if ws.request is not None else "/stream"
        conn = _Connection(ws, combined=not path.startswith("/ws"))
        self.accepted += 1
        self._connections.append(conn)
        keepalive = asyncio.create_task(self._keep_pinging(conn))
        expiry = asyncio.get_running_loop().call_later(self.lifetime, ws.transport.abort)
        try:
            async for raw in ws:
                if not self._within_limit(conn):
                    self.over_limit += 1
                    await ws.close(1008, "Too many requests")
                    break
                if not self.silent:
                    await self._answer(conn, raw)
        except ConnectionClosed:
            pass
        finally:
            expiry.cancel()
            keepalive.cancel()
            self._connections.remove(conn)

    def _within_limit(self, conn: _Connection) -> bool:
        at = time.monotonic()
        conn.received.append(at)
        while conn.received and conn.received[0] < at - 1.0:
            conn.received.popleft()
        return len(conn.received) <= self.max_requests_per_second

    async def _answer(self, conn: _Connection, raw: str | bytes) -> None:
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            await conn.ws.send('{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}')
            return
        self.requests.append(body)
        method, params, request_id = body.get("method"), body.get("params", []), body.get("id")
        if method == "SUBSCRIBE":
            conn.streams.update(params)
            reply: dict[str, Any] = {"result": None, "id": request_id}
        elif method == "UNSUBSCRIBE":
            conn.streams.difference_update(params)
            reply = {"result": None, "id": request_id}
        elif method == "LIST_SUBSCRIPTIONS":
            reply = {"result": sorted(conn.streams), "id": request_id}
        else:
            reply = {
                "code": 2,
                "msg": f"Invalid request: unknown variant {method}, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, "
                "`LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column 28",
                "id": request_id,
            }
        await conn.ws.send(orjson.dumps(reply).decode())

    async def _keep_pinging(self, conn: _Connection) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.sleep(self.ping_interval)
                waiter = await conn.ws.ping()
                try:
                    await asyncio.wait_for(waiter, self.pong_timeout)
                except TimeoutError:
                    conn.ws.transport.abort()
                    return
                self.pongs += 1


@contextlib.contextmanager
def running_binance_stream(**options: Any) -> Iterator[FakeBinanceStream]:
    fake = FakeBinanceStream(**options)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
