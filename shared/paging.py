"""Walking every page of a store listing, for the few places that need all of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from shared.models import Page

T = TypeVar("T")

PAGE_SIZE = 500


def every_item(fetch: Callable[[str | None], Page[T]]) -> Iterator[T]:
    """Items of every page `fetch(cursor)` returns, following next_cursor to the end."""
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield from page.items
        if (cursor := page.next_cursor) is None:
            return
