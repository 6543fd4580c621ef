"""The shared socket of several workers keeps TCP_NODELAY on accepted connections, so a
keep-alive request never waits ~40 ms on Nagle's algorithm and the peer's delayed ACK."""

from __future__ import annotations

import asyncio
import socket

from api.server import NoDelayConfig
from tests.support.server import free_port


async def nodelay_of_accepted_connection(listener: socket.socket) -> int:
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Report(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Report, sock=listener)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", listener.getsockname()[1])
        result = await asyncio.wait_for(accepted, 5)
        writer.close()
        return result
    finally:
        server.close()
        await server.wait_closed()


def test_accepted_connections_have_nodelay() -> None:
    config = NoDelayConfig("api.app:create_app", factory=True, host="127.0.0.1", port=free_port(), workers=2)
    listener = config.bind_socket()
    assert listener.proto == socket.IPPROTO_TCP
    assert asyncio.run(nodelay_of_accepted_connection(listener)) != 0
