"""Local webhook receivers: one that records every POST (headers and raw body) and answers with
a status, a delay and a body size the test chooses, so failures and retries can be provoked;
and one that answers at a trickle, a byte at a time, as a stalled or hostile receiver does."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.support.server import serve


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str = ""
    port: int = 0
    status: int = 204
    #: Seconds to wait before answering, to play a slow receiver.
    delay: float = 0.0
    #: Bytes of body to answer with, streamed in 64 KiB chunks.
    answer_bytes: int = 0
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self) -> list[Delivery]:
        with self.lock:
            return list(self.deliveries)


@contextlib.contextmanager
def webhook_receiver(status: int = 204) -> Iterator[Receiver]:
    receiver = Receiver(status=status)

    async def hook(request: Request) -> Response:
        delivery = Delivery({k.lower(): v for k, v in request.headers.items()}, await request.body())
        with receiver.lock:
            receiver.deliveries.append(delivery)
        await asyncio.sleep(receiver.delay)
        if receiver.answer_bytes:
            return StreamingResponse(stream(receiver.answer_bytes), status_code=receiver.status)
        return Response(status_code=receiver.status)

    async def stream(size: int) -> AsyncIterator[bytes]:
        chunk = b"x" * 65_536
        for _ in range(0, size, len(chunk)):
            yield chunk

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    with serve(app, lifespan="off") as server:
        receiver.url, receiver.port = server.url + "/hook", server.port
        yield receiver


@dataclass
class Trickler:
    url: str
    #: Connections that sent their request and got the trickle.
    served: int = 0


@contextlib.contextmanager
def trickling_receiver(head: bytes, *, every: float = 0.5, lasting: float = 30.0) -> Iterator[Trickler]:
    """A receiver on loopback that reads the request, sends `head` at once, then one more byte
    every `every` seconds for `lasting` seconds or until the client hangs up. With `head` a
    status line and headers, the answer is a 200 whose body never ends; with a cut-off header
    line, the headers never end. Either way no read waits long, so no per-read timeout fires."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    trickler = Trickler(f"http://127.0.0.1:{server.getsockname()[1]}/hook")
    stop = threading.Event()

    def serve_one(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(65_536) or b"\r\n\r\n"
            trickler.served += 1
            ends = time.monotonic() + lasting
            try:
                connection.sendall(head)
                while not stop.wait(every) and time.monotonic() < ends:
                    connection.sendall(b"x")
            except OSError:
                return  # the client hung up

    def accept() -> None:
        while not stop.is_set():
            try:
                connection = server.accept()[0]
            except TimeoutError:
                continue
            threading.Thread(target=serve_one, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield trickler
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
