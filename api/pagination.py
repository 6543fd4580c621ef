"""List pages for the admin API: `limit` (1..MAX_PAGE, default DEFAULT_PAGE), an opaque
`cursor` and enum filters in, a `{"items", "next_cursor"}` body out. The Params below are what
/openapi.json states; the parsers read the same limits."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from msgspec import Meta
from starlette.requests import Request

from api import params
from api.operations import Param
from shared.errors import InvalidInput
from shared.limits import DEFAULT_PAGE, MAX_CURSOR, MAX_PAGE
from shared.models import Page

E = TypeVar("E", bound=StrEnum)
P = TypeVar("P")
T = TypeVar("T")

PAGING = (
    Param("limit", Annotated[int, Meta(ge=1, le=MAX_PAGE)], default=DEFAULT_PAGE),
    Param("cursor", Annotated[str, Meta(max_length=MAX_CURSOR)], description="next_cursor of the previous page"),
)


def page_request(request: Request) -> tuple[int, str | None]:
    limit = params.integer(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE)
    cursor = request.query_params.get("cursor") or None
    if cursor is not None and len(cursor) > MAX_CURSOR:
        raise InvalidInput("cursor is not one this API returned", code="invalid_cursor")
    return limit, cursor


def page_body(model: type[P], page: Page[T], view: Callable[[T], Any]) -> P:
    """A store page as the page model `model`, each item shown through `view`."""
    return model(items=[view(item) for item in page.items], next_cursor=page.next_cursor)


def enum_filter(request: Request, name: str, kind: type[E]) -> E | None:
    """An optional filter like `status=active`, with a 400 listing the accepted values."""
    raw = request.query_params.get(name)
    try:
        return None if raw is None else kind(raw)
    except ValueError:
        raise InvalidInput(
            f"{name} must be one of {', '.join(kind)}", code=f"invalid_{name}"
        ) from None
