"""Exports of price history: what to build, and the records of built ones."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from shared.limits import MAX_EPOCH, MAX_EXPORT_SYMBOLS
from shared.models import ExportFormat
from shared.shapes.base import Epoch, Request, Response, configured, page_of

ExportTime = Annotated[int, Meta(ge=0, le=MAX_EPOCH)]


class ExportCreate(Request):
    format: ExportFormat | None = None
    symbols: (
        Annotated[
            list[configured("Symbol")],
            Meta(max_length=MAX_EXPORT_SYMBOLS, extra_json_schema={"minItems": 1},
                 description="symbols to export (default: all supported)"),
        ]
        | None
    ) = None
    start: Annotated[ExportTime, Meta(description="epoch seconds, at most `end`")] | None = None
    end: Annotated[ExportTime, Meta(description="epoch seconds (default: now)")] | None = None


class Export(Response):
    id: str
    file_key: str
    format: ExportFormat
    symbols: list[str]
    start: Epoch
    end: Epoch
    records: int
    size_bytes: int
    created_at: Epoch
    url: Annotated[str, Meta(description="where to download the file")]


ExportPage = page_of("ExportPage", Export)


class ExportCreated(Response):
    message: str
    url: str
    file_key: str
    id: str
    records: int
