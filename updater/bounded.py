"""Reading at most so many bytes of an HTTP response body.

httpx reads a whole body into memory by default; a webhook receiver or an upstream that answers
with hundreds of megabytes (or never stops) would take the updater's memory with it. Every
response the updater reads goes through here, streamed, and reading stops at the limit.
"""

from __future__ import annotations

import httpx


async def read_at_most(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """(the first `limit` bytes of the streamed `response`'s body, whether there was more)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False


def snippet(body: bytes, chars: int = 200) -> str:
    """A body's start as one line for an error message."""
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text[:chars] + ("..." if len(text) > chars else "")
