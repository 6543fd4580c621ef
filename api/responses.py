"""Response helpers: JSON bodies, the one error shape, ETag and conditional GET."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import msgspec
import orjson
from starlette.responses import Response
from starlette.types import Scope, Send

from api.payload import with_next_refresh
from shared.errors import CryptowatchError

JSON = "application/json"


def encoded(body: msgspec.Struct, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A response model as a JSON response with its own status (most handlers just return the
    model, and `api.operations` encodes it with the declared status)."""
    return Response(msgspec.json.encode(body), status_code=status, media_type=JSON, headers=dict(headers or {}))


def error_response(
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    fields: Mapping[str, object] | None = None,
) -> Response:
    """Every error, everywhere: {"error": code, "message": text}, plus the `fields` a client
    acts on without reading headers (`retry_after` on a 429 or 503)."""
    return Response(
        orjson.dumps({"error": code, "message": message, **(fields or {})}),
        status_code=status,
        media_type=JSON,
        headers=dict(headers or {}),
    )


def response_for(error: CryptowatchError) -> Response:
    return error_response(error.status, error.code, error.message, error.headers(), error.fields())


def etag_of(body: bytes) -> str:
    """A weak validator: the bytes sent also carry `n`, which counts down while the data the
    tag stands for stays the same (RFC 9110 section 8.8.1)."""
    return 'W/"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'


def matches_etag(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison against an If-None-Match list (or `*`)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


_JSON_TYPE = (b"content-type", JSON.encode())


async def send_cached_body(
    send: Send,
    body: bytes,
    etag: str,
    if_none_match: str | None,
    max_age: int,
    extra_headers: Sequence[tuple[bytes, bytes]] = (),
) -> int:
    """A cached body from an ASGI endpoint, with its ETag and Cache-Control: 200 with the body,
    or 304 with none when the client already holds this version; the status sent is returned.
    The body (a JSON object) gets `n`, the max-age in seconds, as its last field: a watch that
    cannot read headers schedules its next poll from the body alone."""
    headers = [(b"etag", etag.encode()), (b"cache-control", b"private, max-age=%d" % max_age), *extra_headers]
    if matches_etag(if_none_match, etag):
        status, sent = 304, b""
    else:
        status, sent = 200, with_next_refresh(body, max_age)
        headers = [(b"content-length", b"%d" % len(sent)), _JSON_TYPE, *headers]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": sent})
    return status


def header(scope: Scope, name: bytes) -> str | None:
    """One request header from the raw ASGI scope (`name` in lower case), without building
    Starlette's Headers for it."""
    raw: list[tuple[bytes, bytes]] = scope["headers"]
    for key, value in raw:
        if key == name:
            return value.decode("latin-1")
    return None
