"""Building an export: price history as JSON records `{id, timestamp, name, symbol, price}` or
the same columns as CSV, saved to a sink under `exports/crypto_YYYY-MM-DDTHH-MM-SS.<ext>`.
A point from the offline demo carries `"simulated": true` (in CSV, a `simulated` column that is
there only when the export holds such points), so made-up prices never pass for market data."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from shared.config import Settings
from shared.errors import Conflict, InvalidInput
from shared.exports.names import coin_name
from shared.exports.sink import ExportSink
from shared.ids import new_id
from shared.models import SIMULATED_SOURCE, ExportFormat, ExportRecord, PricePoint
from shared.store.base import Store

COLUMNS = ("id", "timestamp", "name", "symbol", "price")
SIMULATED = "simulated"
#: Exports recorded this recently are checked for a file name taken in the same second.
RECENT = 20


CONTENT_TYPES = {ExportFormat.JSON: "application/json", ExportFormat.CSV: "text/csv; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class ExportSpec:
    format: ExportFormat
    symbols: tuple[str, ...]
    start: int
    end: int


def export_spec(
    settings: Settings,
    at: int,
    fmt: ExportFormat | None = None,
    symbols: Sequence[str] | None = None,
    start: int | None = None,
    end: int | None = None,
) -> ExportSpec:
    """Defaults: JSON, every supported symbol, all retained history up to now."""
    chosen = (
        tuple(dict.fromkeys(s.strip().upper() for s in symbols)) if symbols is not None else None
    )
    if chosen is not None:
        unknown = [s for s in chosen if s not in settings.supported_symbols]
        if not chosen or unknown:
            raise InvalidInput(
                f"symbols must be among {', '.join(settings.supported_symbols)}"
                + (f" (not {', '.join(unknown)})" if unknown else ""),
                code="invalid_symbol",
            )
    end = at if end is None else end
    start = end - settings.history_retention_seconds if start is None else start
    if start > end:
        raise InvalidInput("start must not be after end", code="invalid_range")
    return ExportSpec(fmt or ExportFormat.JSON, chosen or settings.supported_symbols, start, end)


def records(store: Store, spec: ExportSpec, currency: str) -> list[dict[str, Any]]:
    points = [
        point
        for symbol in spec.symbols
        for point in store.price_history(symbol, currency, spec.start, spec.end)
    ]
    points.sort(key=lambda p: (p.updated_at, p.symbol))
    return [record(p) for p in points]


def record(point: PricePoint) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"{point.symbol}-{point.updated_at}",
        "timestamp": point.updated_at,
        "name": coin_name(point.symbol),
        "symbol": point.symbol,
        "price": point.price,
    }
    if point.source == SIMULATED_SOURCE:
        row[SIMULATED] = True
    return row


def encode(rows: list[dict[str, Any]], fmt: ExportFormat) -> bytes:
    if fmt == ExportFormat.JSON:
        return orjson.dumps(rows)
    text = io.StringIO()
    simulated = any(SIMULATED in row for row in rows)
    columns = (*COLUMNS, SIMULATED) if simulated else COLUMNS
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


def file_key(at: int, fmt: ExportFormat, suffix: str | None = None) -> str:
    stamp = datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H-%M-%S")
    return f"exports/crypto_{stamp}{'_' + suffix if suffix else ''}.{fmt.value}"


def run_export(
    store: Store, sink: ExportSink, spec: ExportSpec, currency: str, at: int
) -> ExportRecord:
    """Build, save and record one export. A second export in the same second gets the
    timestamped name plus a few characters of its (random) id, so no file is overwritten."""
    export_id = new_id("exp")
    rows = records(store, spec, currency)
    data = encode(rows, spec.format)
    content_type = CONTENT_TYPES[spec.format]
    unique = file_key(at, spec.format, export_id[-6:])
    key = file_key(at, spec.format)
    if key in {r.file_key for r in store.list_exports(limit=RECENT).items}:
        key = unique
    try:
        sink.save(key, data, content_type)
    except Conflict:
        if key == unique:
            raise
        key = unique
        sink.save(key, data, content_type)
    return store.create_export(
        ExportRecord(
            id=export_id,
            file_key=key,
            format=spec.format.value,
            symbols=spec.symbols,
            start=spec.start,
            end=spec.end,
            records=len(rows),
            size_bytes=len(data),
            created_at=at,
        )
    )
