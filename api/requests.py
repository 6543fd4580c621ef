"""Reading a JSON request body into its model (`shared/shapes/`), with clear 400s.

A body is refused before parsing when it is too large (413) or not JSON (415), so a client
learns what to fix and a large upload costs no more than `max_body_bytes` of memory. Then the
model's own declaration validates it; each error names the field and says what it accepts:
`unknown_field`, `missing_field`, `invalid_type`, `invalid_field` (or the field's own code),
`duplicate_field`, `invalid_json`. Three rules the models alone do not give:
- `null` is absent for optional fields, so a client may send every field and leave some null;
- a whole float is an integer (`938.0`), as JSON Schema says (JSON has one number type);
- trimmed strings (`shared.shapes.base.text`) lose the white space the document calls white
  space (`shared.limits.SPACE`), and only that.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import msgspec
import orjson
from msgspec import inspect
from starlette.requests import Request

from shared.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from shared.limits import SPACE

M = TypeVar("M", bound=msgspec.Struct)


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


async def read_model(
    request: Request, model: type[M], limit: int, *, optional: bool = False, form: bool = False
) -> M:
    """The body decoded into `model`. With `optional`, an empty body (any content type) is `{}`;
    with `form`, a form-encoded body is taken too (as OAuth clients send theirs)."""
    raw = await read_body(request, limit)
    if optional and not raw.strip():
        return decode_object({}, model)
    content_type = request.headers.get("content-type", "")
    if form and content_type.split(";", 1)[0].strip().lower() == FORM:
        return decode_object(form_fields(raw), model)
    if not _is_json(content_type):
        accepted = f"JSON or {FORM}" if form else "JSON with Content-Type: application/json"
        raise UnsupportedMediaType(f"send the body as {accepted}")
    return decode(raw, model)


FORM = "application/x-www-form-urlencoded"


def form_fields(raw: bytes) -> dict[str, Any]:
    """A form body's fields (UTF-8); a field sent twice is refused, as in JSON."""
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form body is not valid", code="invalid_form") from None
    _refuse_duplicates(pairs)
    return dict(pairs)


def decode(raw: bytes, model: type[M]) -> M:
    try:
        data = orjson.loads(raw)  # strict JSON: no NaN, no lone surrogates, no overflow
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"the body is not valid JSON: {error}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", code="invalid_json")
    json.loads(raw, object_pairs_hook=_refuse_duplicates)
    return decode_object(data, model)


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> None:
    """Two values for one field: which one counts would be a guess (and a proxy that checks the
    first while we use the last is how a `scope` is smuggled)."""
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            raise InvalidInput(f"field {name!r} appears twice; send each field once", code="duplicate_field")
        seen.add(name)


def decode_object(data: dict[str, Any], model: type[M]) -> M:
    fields = _fields(model)
    cleaned = {}
    for name, value in data.items():
        field = fields.get(name)
        if field is not None and value is None:
            continue
        if field is not None and field.integer and isinstance(value, float) and value.is_integer():
            value = int(value)
        cleaned[name] = value
    try:
        decoded = msgspec.convert(cleaned, model)
    except msgspec.ValidationError as error:
        raise _explain(str(error), cleaned, fields) from None
    for name, field in fields.items():
        value = getattr(decoded, name)
        if field.trim and isinstance(value, str):
            setattr(decoded, name, value.strip(SPACE))
    return decoded


class _Field:
    """What decoding needs to know of one declared field, read once from its type."""

    def __init__(self, name: str, kind: Any) -> None:
        self.name = name
        self.trim = False
        self.code: str | None = None
        self.explained: str | None = None  # what the field accepts, in words (a pattern's meaning)
        self.kind = self._unwrap(kind)
        self.integer = isinstance(self.kind, inspect.IntType)

    def _unwrap(self, kind: Any) -> Any:
        if isinstance(kind, inspect.UnionType):
            kind = next(t for t in kind.types if not isinstance(t, inspect.NoneType))
        if isinstance(kind, inspect.Metadata):
            extra = kind.extra or {}
            self.trim = bool(extra.get("trim"))
            self.code = extra.get("code")
            self.explained = extra.get("rule")
            return self._unwrap(kind.type)
        return kind

    def wanted(self) -> str:
        """What the field accepts, for a wrong type."""
        kind = self.kind
        if isinstance(kind, inspect.ListType):
            return "a list of strings"
        if isinstance(kind, inspect.EnumType):
            return "one of " + ", ".join(member.value for member in kind.cls)
        return _WANTED.get(type(kind), "another kind of value")

    def rule(self, value: Any) -> str:
        """What the field accepts, for a value of the right type that breaks a limit."""
        if self.explained:
            return self.explained
        kind = self.kind
        if isinstance(kind, inspect.StrType):
            return f"must be {kind.min_length or 1} to {kind.max_length} characters"
        if isinstance(kind, inspect.IntType):
            return f"must be from {kind.ge} to {kind.le}, not {value}"
        if isinstance(kind, inspect.ListType):
            return f"holds at most {kind.max_length} items"
        return f"must be {self.wanted()}"


_WANTED = {
    inspect.StrType: "a string",
    inspect.IntType: "a whole number",
    inspect.FloatType: "a finite number",
    inspect.BoolType: "true or false",
}


@cache
def _fields(model: type[msgspec.Struct]) -> dict[str, _Field]:
    info = inspect.type_info(model)
    assert isinstance(info, inspect.StructType)
    return {f.name: _Field(f.name, f.type) for f in info.fields}


_UNKNOWN = re.compile(r"^Object contains unknown field `(.*)`$")
_MISSING = re.compile(r"^Object missing required field `(.*)`$")
_AT = re.compile(r" - at `\$\.([A-Za-z0-9_]+)")


def _explain(message: str, data: dict[str, Any], fields: dict[str, _Field]) -> InvalidInput:
    """msgspec's error (e.g. "Expected `int` >= 1 - at `$.rate_limit`") as today's 400."""
    if unknown := _UNKNOWN.match(message):
        accepted = ", ".join(sorted(fields))
        return InvalidInput(f"unknown field {unknown[1]!r}; accepted: {accepted}", code="unknown_field")
    if missing := _MISSING.match(message):
        return InvalidInput(f"{missing[1]} is required", code="missing_field")
    at = _AT.search(message)
    field = fields.get(at[1]) if at else None
    if field is None:
        return InvalidInput(f"the body is not valid: {message}", code="invalid_field")
    if message.startswith("Expected `") and "`, got `" in message:
        return InvalidInput(f"{field.name} must be {field.wanted()}", code=field.code or "invalid_type")
    return InvalidInput(f"{field.name} {field.rule(data.get(field.name))}", code=field.code or "invalid_field")
