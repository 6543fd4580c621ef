"""A user's portfolio as an export: their holdings, and what those holdings were worth at every
stored price time in the range (`{timestamp, value, crypto, stock}`), in one currency.

The series values today's holdings at past prices (holdings keep no history of their own), each
symbol at its latest price at or before the time; a time before any of a symbol's prices leaves
that symbol out of the sum, as the live valuation does. JSON holds both parts; CSV, being one
table, holds the series. Files are named `exports/portfolio_<user>_YYYY-MM-DDTHH-MM-SS.<ext>`."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from shared.exports.builder import ExportFormat, ExportSpec, save_export
from shared.exports.sink import ExportSink
from shared.models import ExportRecord, Holding, PricePoint
from shared.store.base import Store
from shared.valuation import value

SERIES_COLUMNS = ("timestamp", "value", "crypto", "stock")


def holding_view(holding: Holding) -> dict[str, Any]:
    """Quantities as decimal text, exactly as stored."""
    return {
        "id": holding.id,
        "symbol": holding.symbol,
        "kind": holding.kind.value,
        "quantity": format(holding.quantity, "f"),
        "cost_basis": None if holding.cost_basis is None else format(holding.cost_basis, "f"),
        "currency": holding.currency,
    }


def series(store: Store, holdings: list[Holding], currency: str, start: int, end: int) -> list[dict[str, Any]]:
    points: list[PricePoint] = []
    for symbol in dict.fromkeys(h.symbol for h in holdings):
        points.extend(store.price_history(symbol, currency, start, end))
    points.sort(key=lambda p: p.updated_at)
    latest: dict[tuple[str, str], PricePoint] = {}
    rows: list[dict[str, Any]] = []
    for index, point in enumerate(points):
        latest[(point.symbol, point.currency)] = point
        if index + 1 < len(points) and points[index + 1].updated_at == point.updated_at:
            continue  # value once per time, with every symbol's point of that time
        worth = value(holdings, latest, currency)
        rows.append(
            {"timestamp": point.updated_at, "value": float(worth.total), "crypto": float(worth.crypto),
             "stock": float(worth.stock)}
        )
    return rows


def run_portfolio_export(
    store: Store, sink: ExportSink, user_id: str, spec: ExportSpec, currency: str, at: int
) -> ExportRecord:
    """Build, save and record the export of `user_id`'s portfolio (spec.symbols is ignored: the
    record lists the symbols held)."""
    holdings = store.list_holdings(user_id)
    rows = series(store, holdings, currency, spec.start, spec.end)
    if spec.format == ExportFormat.JSON:
        document = {"user_id": user_id, "currency": currency, "holdings": [holding_view(h) for h in holdings],
                    "valuation": rows}
        data = orjson.dumps(document)
    else:
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=SERIES_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        data = text.getvalue().encode()
    held = ExportSpec(spec.format, tuple(dict.fromkeys(h.symbol for h in holdings)), spec.start, spec.end)
    return save_export(store, sink, data, held, len(rows), at, prefix=f"portfolio_{user_id}")
