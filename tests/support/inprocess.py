"""The app in-process, without a socket: a sync httpx client whose transport runs the ASGI app
on an event loop in one background thread (anyio's blocking portal). For tests about what the
API answers; what only a server shows (workers, timeouts, framing) stays on real uvicorn
(tests/support/server.py)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Iterator

import anyio.from_thread
import httpx
from anyio.abc import BlockingPortal
from starlette.types import ASGIApp

#: The base URL in-process clients use; nothing listens there.
BASE_URL = "http://cryptowatch.test"


class _AsyncBody(httpx.AsyncByteStream):
    """A sync request body (bytes, or a generator for a streamed upload) as the async stream
    the ASGI transport reads, chunk by chunk as sent."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


class PortalTransport(httpx.BaseTransport):
    """httpx's ASGITransport is async only; this runs it from sync code through the portal."""

    def __init__(self, app: ASGIApp, portal: BlockingPortal) -> None:
        self.asgi = httpx.ASGITransport(app=app)
        self.portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.AsyncByteStream):
            request.stream = _AsyncBody(request.stream)  # type: ignore[arg-type]

        async def send() -> httpx.Response:
            response = await self.asgi.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self.portal.call(send)


@contextlib.contextmanager
def in_process(app: ASGIApp) -> Iterator[BlockingPortal]:
    """A portal whose event loop runs the app's requests (one loop for the whole test, as a
    server has)."""
    with anyio.from_thread.start_blocking_portal() as portal:
        yield portal


def client(app: ASGIApp, portal: BlockingPortal, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(transport=PortalTransport(app, portal), base_url=BASE_URL, headers=headers, timeout=10)


@contextlib.contextmanager
def served(app: ASGIApp, headers: dict[str, str] | None = None) -> Iterator[httpx.Client]:
    """One client of `app`, in-process, for a test that builds its own app."""
    with in_process(app) as portal, client(app, portal, headers) as http:
        yield http
