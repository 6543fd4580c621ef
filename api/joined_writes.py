"""A response's head and body in one write, so in one TCP segment.

uvicorn writes the status line and headers as soon as the app sends `http.response.start`, and
the body at `http.response.body`: two `send()` calls, and with TCP_NODELAY (api/server.py) two
packets for every watch poll. Held back until the next write, the head leaves with the body in
one system call and one packet; a head that no body follows within the same turn of the event
loop (an app that streams, or a 100 Continue) still leaves at the end of that turn.
"""

from __future__ import annotations

import asyncio


class JoinedWrites:
    """Stands in for a connection's transport in uvicorn's request cycles: the first of two
    writes waits for the second (or for the loop's next turn) and they go out together."""

    __slots__ = ("transport", "loop", "held")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self.loop = loop
        self.held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self.held
        if held is None:
            self.held = data
            self.loop.call_soon(self.flush)
            return
        self.held = None
        self.transport.write(held + data)

    def flush(self) -> None:
        held = self.held
        if held is not None:
            self.held = None
            self.transport.write(held)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()
