"""Fetching one record by id for an admin route: the record, or a 404 naming what was missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from shared.errors import NotFound

T = TypeVar("T")


def found(get: Callable[[str], T | None], kind: str, record_id: str) -> T:
    """`get(record_id)`, or NotFound with code `<kind>_not_found` when it returns None."""
    record = get(record_id)
    if record is None:
        raise NotFound(f"no {kind} {record_id!r}", code=f"{kind}_not_found")
    return record
