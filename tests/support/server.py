"""A real uvicorn server for an ASGI app on 127.0.0.1, in a background thread.

Tests talk to it over real HTTP, exactly as a watch or the companion would, through the same
connection handling `cryptowatch serve` ships (`api.server.NoDelayConfig`: the guard's limits,
one write per answer, no server field)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from api.server import NoDelayConfig


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def silent_listener() -> Iterator[tuple[int, list[socket.socket]]]:
    """A loopback port that accepts connections and never says a word: a service that hangs.
    Yields the port and the connections accepted so far."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in accepted:
            connection.close()
        server.close()


@dataclass(frozen=True)
class RunningServer:
    url: str
    port: int


@contextlib.contextmanager
def serve(
    app: ASGIApp,
    *,
    lifespan: str = "on",
    startup_timeout: float = 10.0,
    log_level: str = "warning",
    access_log: bool = False,
    port: int | None = None,
) -> Iterator[RunningServer]:
    """Run `app` until the block ends; the server is up when the block starts. Quiet by
    default; `log_level="info", access_log=True` logs as `cryptowatch serve --access-log` does.
    `port` (a free one by default) lets a test restart a server where its clients expect it."""
    port = free_port() if port is None else port
    config = NoDelayConfig(app, host="127.0.0.1", port=port, lifespan=lifespan, log_level=log_level,
                           access_log=access_log)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn did not start on port {port}")
        time.sleep(0.01)
    try:
        yield RunningServer(url=f"http://127.0.0.1:{port}", port=port)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
