"""Response helpers: orjson bodies, the one error shape, ETag and conditional GET."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

from shared.errors import CryptowatchError

JSON = "application/json"


class JSONBody(Response):
    """A JSON response rendered by orjson (faster and more compact than the stdlib)."""

    media_type = JSON

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """Every error, everywhere: {"error": code, "message": text}."""
    return Response(
        orjson.dumps({"error": code, "message": message}),
        status_code=status,
        media_type=JSON,
        headers=dict(headers or {}),
    )


def response_for(error: CryptowatchError) -> Response:
    return error_response(error.status, error.code, error.message, error.headers())


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'


def matches_etag(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison against an If-None-Match list (or `*`)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))


class EncodedResponse(Response):
    """A response built from already-encoded headers: the watch hot path skips Starlette's
    header assembly, which costs more than everything else in a cached price response."""

    def __init__(self, status_code: int, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        self.raw_headers = raw_headers


_JSON_TYPE = (b"content-type", JSON.encode())


def cached_body(body: bytes, etag: str, if_none_match: str | None, max_age: int) -> Response:
    """200 with the body, or 304 with no body when the client already holds this version."""
    headers = [(b"etag", etag.encode()), (b"cache-control", b"private, max-age=%d" % max_age)]
    if matches_etag(if_none_match, etag):
        return EncodedResponse(304, b"", headers)
    return EncodedResponse(200, body, [(b"content-length", b"%d" % len(body)), _JSON_TYPE, *headers])
