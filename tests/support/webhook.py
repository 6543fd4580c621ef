"""A local webhook receiver: records every POST (headers and raw body) and answers with a
status the test chooses, so failures and retries can be provoked."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
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
        return Response(status_code=receiver.status)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    with serve(app, lifespan="off") as server:
        receiver.url, receiver.port = server.url + "/hook", server.port
        yield receiver
