"""Listing cursors shared by every store backend, and walking every page of a listing for the
few places that need all of it."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from shared.errors import InvalidInput
from shared.models import Page

T = TypeVar("T")

PAGE_SIZE = 500

#: What follows an id's kind (`usr_`, `alr_`...): time and randomness in lower-case base32.
_ID_TAIL = re.compile(r"[0-9a-z]{1,64}")


# A cursor is the id of the last item a page returned, base64url-encoded: the next page starts
# strictly after it. Keyset cursors stay valid while items are added or removed, and they let a
# listing merge several partitions that share the same order.
def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: str) -> str | None:
    """The id a page starts after, for a listing of `kind` ids. Anything that is not a cursor of
    such a listing is InvalidInput: read as a position, it would answer an arbitrary page."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        last_id = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True).decode("ascii")
    except (ValueError, binascii.Error, UnicodeError):
        last_id = ""
    prefix, _, tail = last_id.partition("_")
    if prefix != kind or not _ID_TAIL.fullmatch(tail):
        raise InvalidInput("cursor is not one this listing returned", code="invalid_cursor")
    return last_id


def every_item(fetch: Callable[[str | None], Page[T]]) -> Iterator[T]:
    """Items of every page `fetch(cursor)` returns, following next_cursor to the end."""
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield from page.items
        if (cursor := page.next_cursor) is None:
            return
