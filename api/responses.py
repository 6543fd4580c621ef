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


def cached_body(
    body: bytes, etag: str, if_none_match: str | None, max_age: int, extra: Mapping[str, str] | None = None
) -> Response:
    """200 with the body, or 304 with no body when the client already holds this version."""
    headers = {"ETag": etag, "Cache-Control": f"private, max-age={max_age}", **(extra or {})}
    if matches_etag(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)
