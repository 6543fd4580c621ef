"""Reading JSON request bodies safely, and typed fields out of them with clear 400s.

A body is refused before parsing when it is too large (413) or not JSON (415), so a client
learns what to fix and a large upload costs no more than `max_body_bytes` of memory. Fields are
read through `Body`, whose errors name the field and say what it accepts."""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

import orjson
from starlette.requests import Request

from shared.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

E = TypeVar("E", bound=StrEnum)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, at most `limit` bytes: a declared or streamed larger one is a 413."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, limit: int, *, optional: bool = False) -> Body:
    """The body as a JSON object. With `optional`, an empty body (any content type) is `{}`."""
    raw = await read_body(request, limit)
    if optional and not raw.strip():
        return Body({})
    if not _is_json(request.headers.get("content-type", "")):
        raise UnsupportedMediaType("send the body as JSON with Content-Type: application/json")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"the body is not valid JSON: {error}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", code="invalid_json")
    return Body(data)


#: White space as the OpenAPI document's patterns mean it (ECMAScript's `\s`, which `"\S"` in
#: `text()` excludes): Python's `str.strip()` also strips the ASCII separators U+001C-U+001F,
#: so a value the document calls non-blank would be refused as blank.
SPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class Body:
    """Typed access to the fields of a JSON object. `null` counts as absent for optional fields,
    so a client may send every field and leave the unset ones null."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def only(self, allowed: Iterable[str]) -> Body:
        """Refuse unknown fields: a misspelt `expires_at` must not silently mean 'never'."""
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise InvalidInput(
                f"unknown field {unknown[0]!r}; accepted: {', '.join(sorted(allowed))}",
                code="unknown_field",
            )
        return self

    def raw(self, name: str, *, required: bool = False) -> Any:
        value = self.data.get(name)
        if value is None and required:
            raise InvalidInput(f"{name} is required", code="missing_field")
        return value

    def string(self, name: str, *, max_length: int = 200) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _wrong_type(name, "a string")
        # The length counts as sent (as the document's maxLength does), the blank check trimmed.
        if len(value) > max_length or not value.strip(SPACE):
            raise InvalidInput(f"{name} must be 1 to {max_length} characters", code="invalid_field")
        return value.strip(SPACE)

    def exact_string(self, name: str, *, min_length: int, max_length: int) -> str | None:
        """A string taken exactly as sent, for secrets: trimming one would sign with another."""
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _wrong_type(name, "a string")
        if not min_length <= len(value) <= max_length:
            raise InvalidInput(
                f"{name} must be {min_length} to {max_length} characters", code="invalid_field"
            )
        return value

    def required_string(self, name: str, *, max_length: int = 200) -> str:
        self.raw(name, required=True)
        value = self.string(name, max_length=max_length)
        assert value is not None
        return value

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON Schema's integer: 938.0 is one, as JSON has a single number type
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(name, "a whole number")
        if not low <= value <= high:
            raise InvalidInput(
                f"{name} must be from {low} to {high}, not {value}", code="invalid_field"
            )
        return value

    def number(self, name: str, *, required: bool = False) -> float | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise _wrong_type(name, "a finite number")
        return float(value)

    def boolean(self, name: str) -> bool | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise _wrong_type(name, "true or false")
        return value

    def choice(self, name: str, kind: type[E], *, required: bool = False) -> E | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        allowed = [member.value for member in kind]
        if not isinstance(value, str) or value not in allowed:
            raise InvalidInput(f"{name} must be one of {', '.join(allowed)}", code="invalid_field")
        return kind(value)

    def strings(self, name: str, *, max_items: int) -> list[str] | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _wrong_type(name, "a list of strings")
        if len(value) > max_items:
            raise InvalidInput(f"{name} holds at most {max_items} items", code="invalid_field")
        return value


def _wrong_type(name: str, expected: str) -> InvalidInput:
    return InvalidInput(f"{name} must be {expected}", code="invalid_type")
