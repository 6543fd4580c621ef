"""The building blocks of every shape: request and response bases and the field types that
carry a limit, a pattern or a documentation-only rule."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, TypeVar

import msgspec
from msgspec import Meta

from shared.limits import MAX_EPOCH, NOT_BLANK


class Request(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body: unknown fields are refused (a misspelt `expires_at` must not silently
    mean 'never'); an optional field is `X | None = None`, so `null` means absent."""

    #: JSON Schema the properties alone cannot state (conditional rules), added to the document.
    schema_rules: ClassVar[list[dict[str, Any]]] = []


class Response(msgspec.Struct, kw_only=True):
    """A response body: every field is always present (null when unset)."""


def text(
    max_length: int,
    *,
    code: str | None = None,
    description: str | None = None,
    pattern: str = NOT_BLANK,
    rule: str | None = None,
) -> Any:
    """A string the API trims of white space: at most `max_length` as sent, matching `pattern`
    as sent (by default: not blank). `code` replaces the error code a wrong value gets
    (`invalid_field` otherwise); `rule` says in words what a stricter pattern means."""
    extra: dict[str, Any] = {"trim": True}
    if code:
        extra["code"] = code
    if rule:
        extra["rule"] = rule
    return Annotated[str, Meta(max_length=max_length, pattern=pattern, description=description, extra=extra)]


def checked(kind: Any, code: str, schema: dict[str, Any] | None = None, description: str | None = None) -> Any:
    """A field whose rule a domain function checks (an email address, a name): any error is
    reported with `code`, and `schema` states the rule in the document only."""
    return Annotated[kind, Meta(extra={"code": code}, extra_json_schema=schema, description=description)]


def configured(name: str, kind: Any = str) -> Any:
    """A value allowed by this deployment's settings (a supported symbol, a quote currency):
    the document refers to the schema `name` that `api/openapi.py` builds from the settings."""
    return Annotated[kind, Meta(extra_json_schema={"x-configured": name})]


def bounded(low: int, high: int, description: str | None = None) -> Any:
    return Annotated[int, Meta(ge=low, le=high, description=description)]


Epoch = Annotated[int, Meta(description="epoch seconds")]
FutureEpoch = Annotated[int, Meta(ge=0, le=MAX_EPOCH, description="epoch seconds, in the future")]


class Error(Response, omit_defaults=True):
    """Every error, everywhere; the optional fields are for watches that cannot read headers
    (`shared.errors.CryptowatchError.fields`)."""

    error: Annotated[str, Meta(description="stable machine-readable code")]
    message: Annotated[str, Meta(description="what went wrong, for people")]
    retry_after: Annotated[int, Meta(ge=1, description="on a 429 or 503: seconds to wait (Retry-After)")] | None = None
    interval: Annotated[int, Meta(ge=1, description="while a pairing is pending: seconds between polls")] | None = None


def page_of(name: str, item: type) -> Any:
    """A list page: `{"items": [...], "next_cursor": str | null}` (null on the last page)."""
    return msgspec.defstruct(name, [("items", list[item]), ("next_cursor", str | None)], bases=(Response,))  # type: ignore[valid-type]


S = TypeVar("S", bound=msgspec.Struct)


def shape(model: type[S], record: object, **computed: Any) -> S:
    """`model` filled from a domain record's same-named attributes, plus `computed` fields: a
    field added to both is shown with no further edit."""
    names = model.__struct_fields__
    values = {name: getattr(record, name) for name in names if name not in computed and hasattr(record, name)}
    return model(**values, **computed)
