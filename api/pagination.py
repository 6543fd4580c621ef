"""List pages for the admin API: `limit` (1..200, default 50), an opaque `cursor` and enum
filters in, a `{"items", "next_cursor"}` body out."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from starlette.requests import Request

from api import params
from shared.errors import InvalidInput
from shared.models import Page

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR = 512


def page_request(request: Request) -> tuple[int, str | None]:
    limit = params.integer(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    cursor = request.query_params.get("cursor") or None
    if cursor is not None and len(cursor) > MAX_CURSOR:
        raise InvalidInput("cursor is not one this API returned", code="invalid_cursor")
    return limit, cursor


def page_body(page: Page[T], view: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    return {"items": [view(item) for item in page.items], "next_cursor": page.next_cursor}


def enum_filter(request: Request, name: str, kind: type[E]) -> E | None:
    """An optional filter like `status=active`, with a 400 listing the accepted values."""
    raw = request.query_params.get(name)
    try:
        return None if raw is None else kind(raw)
    except ValueError:
        raise InvalidInput(
            f"{name} must be one of {', '.join(kind)}", code=f"invalid_{name}"
        ) from None
