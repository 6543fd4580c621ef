"""One WebSocket connection to Binance and the streams it is subscribed to.

The websockets library answers the server's pings (every 20 s on Binance; a missing pong for a
minute closes the connection) and sends its own, closing a connection whose pongs stop. Requests
go out at most every REQUEST_GAP seconds: Binance counts pings, pongs and requests together
against five incoming messages a second and drops a connection that sends more.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Set

from websockets.asyncio.client import ClientConnection, connect

from updater.stream import wire

OPEN_TIMEOUT = 10.0
PING_INTERVAL = 20.0
PING_TIMEOUT = 20.0
CLOSE_TIMEOUT = 5.0
#: A miniTicker event is ~200 bytes; anything near this is not one of ours.
MAX_MESSAGE_BYTES = 1 << 20
#: Messages received but not yet read; past this the library stops reading the socket.
MAX_QUEUE = 256
REQUEST_GAP = 0.25


class Link:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.subscribed: frozenset[str] = frozenset()
        self.opened = time.monotonic()
        self._next_id = 0
        self._sent_at = 0.0
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, url: str, names: Set[str]) -> Link:
        """Connect and subscribe to `names`. Raises OSError, TimeoutError or a websockets
        error when the server cannot be reached or refuses the handshake."""
        ws = await connect(
            url,
            open_timeout=OPEN_TIMEOUT,
            ping_interval=PING_INTERVAL,
            ping_timeout=PING_TIMEOUT,
            close_timeout=CLOSE_TIMEOUT,
            max_size=MAX_MESSAGE_BYTES,
            max_queue=MAX_QUEUE,
        )
        link = cls(ws)
        try:
            await link.sync(names)
        except BaseException:
            await ws.close()
            raise
        return link

    async def sync(self, names: Set[str]) -> None:
        """Unsubscribe from what is no longer wanted and subscribe to what is new: at most two
        requests, whatever changed."""
        async with self._lock:
            wanted = frozenset(sorted(names)[: wire.MAX_STREAMS])
            removed, added = self.subscribed - wanted, wanted - self.subscribed
            for method, changed in (("UNSUBSCRIBE", removed), ("SUBSCRIBE", added)):
                if changed:
                    await self._request(method, changed)
            self.subscribed = wanted

    async def _request(self, method: str, names: Set[str]) -> None:
        await asyncio.sleep(max(0.0, self._sent_at + REQUEST_GAP - time.monotonic()))
        self._next_id += 1
        await self.ws.send(wire.request(method, names, self._next_id))
        self._sent_at = time.monotonic()

    async def close(self) -> None:
        await self.ws.close()
