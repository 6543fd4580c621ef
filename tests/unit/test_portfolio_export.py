"""The portfolio export: holdings as exact text and their value at every stored price time."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import orjson

from shared.exports.builder import ExportFormat, ExportSpec
from shared.exports.local import LocalSink
from shared.exports.portfolio import run_portfolio_export
from shared.ids import new_id, now
from shared.models import AssetKind, Holding, PricePoint
from shared.store.sqlite import SQLiteStore


def prepared(sqlite_store: SQLiteStore) -> int:
    at = now() // 300 * 300
    for symbol, kind, quantity in (("BTC", AssetKind.CRYPTO, "0.5"), ("AAPL", AssetKind.STOCK, "10")):
        holding = Holding(new_id("ast"), "usr_ada", symbol, kind, Decimal(quantity), "usd", at, at, Decimal("100"))
        sqlite_store.add_holding(holding, cap=50)
    sqlite_store.put_prices([PricePoint("BTC", "usd", 60_000.0, 0.0, at - 600, "coingecko")])
    sqlite_store.put_prices([
        PricePoint("BTC", "usd", 62_000.0, 0.0, at - 300, "coingecko"),
        PricePoint("AAPL", "usd", 200.0, 0.0, at - 300, "yahoo"),
    ])
    return at


def test_json_holds_the_holdings_and_their_value_over_time(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    at = prepared(sqlite_store)
    sink = LocalSink(tmp_path / "exports")

    record = run_portfolio_export(sqlite_store, sink, "usr_ada", ExportSpec(ExportFormat.JSON, (), at - 3600, at),
                                  "usd", at)

    document = orjson.loads(sink.read(record.file_key))
    assert record.file_key.startswith("exports/portfolio_usr_ada_") and record.symbols == ("BTC", "AAPL")
    assert [(h["symbol"], h["quantity"], h["cost_basis"]) for h in document["holdings"]] == [
        ("BTC", "0.5", "100"), ("AAPL", "10", "100")
    ]
    assert document["valuation"] == [
        {"timestamp": at - 600, "value": 30_000.0, "crypto": 30_000.0, "stock": 0.0},
        {"timestamp": at - 300, "value": 33_000.0, "crypto": 31_000.0, "stock": 2_000.0},
    ]
    assert record.records == 2 and sqlite_store.get_export(record.id) == record


def test_csv_holds_the_series(sqlite_store: SQLiteStore, tmp_path: Path) -> None:
    at = prepared(sqlite_store)
    sink = LocalSink(tmp_path / "exports")

    record = run_portfolio_export(sqlite_store, sink, "usr_ada", ExportSpec(ExportFormat.CSV, (), at - 3600, at),
                                  "usd", at)

    rows = list(csv.DictReader(io.StringIO(sink.read(record.file_key).decode())))
    assert [(r["timestamp"], r["value"]) for r in rows] == [(str(at - 600), "30000.0"), (str(at - 300), "33000.0")]
