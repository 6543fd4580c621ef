"""The demo's simulated history: a fresh demo has a day of it at once, every view marks it as
simulated, and a real run afterwards starts its series clean."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import httpx
import orjson

from api.app import create_app
from shared.config import Settings
from shared.exports.builder import ExportFormat, encode, export_spec, records
from shared.ids import now
from shared.keyring import issue_key
from shared.models import SIMULATED_SOURCE, Scope
from shared.store.sqlite import SQLiteStore
from tests.support.fake_upstream import FakeUpstream
from tests.support.server import serve
from updater.cycle import run_cycle
from updater.sources.http import RetryPolicy

DAY = 86_400


def demo_cycle(settings: Settings, store: SQLiteStore) -> None:
    assert asyncio.run(run_cycle(settings, store, "demo", steps=())).ok


def test_a_fresh_demo_has_a_day_of_history_marked_simulated(
    fake: FakeUpstream, tmp_path: Path, sqlite_store: SQLiteStore
) -> None:
    settings = fake.settings(tmp_path, supported_symbols=("BTC", "ETH"))
    demo_cycle(settings, sqlite_store)
    at = now()

    history = sqlite_store.price_history("BTC", "usd", at - DAY, at)
    assert len(history) >= 24 * 12  # one point every 5 minutes
    assert history[0].updated_at <= at - DAY + 300
    assert {p.source for p in history} == {SIMULATED_SOURCE}
    demo_cycle(settings, sqlite_store)  # a second cycle adds its point, not another day
    assert len(sqlite_store.price_history("BTC", "usd", at - DAY, now())) <= len(history) + 1

    watch = issue_key(sqlite_store, Scope.WATCH, at, label="watch")
    with serve(create_app(settings, sqlite_store)) as server:
        answer = httpx.get(f"{server.url}/v1/history/BTC", headers={"X-API-Key": watch.secret})
    body = answer.json()
    assert answer.status_code == 200 and body["d"] == 1
    assert None not in body["p"]  # a full sparkline from the first minute

    rows = records(sqlite_store, export_spec(settings, now()), "usd")
    assert len(rows) >= 2 * 24 * 12 and all(row["simulated"] is True for row in rows)
    assert orjson.loads(encode(rows, ExportFormat.JSON))[0]["simulated"] is True
    table = list(csv.DictReader(io.StringIO(encode(rows, ExportFormat.CSV).decode())))
    assert {row["simulated"] for row in table} == {"True"}


def test_a_real_run_after_the_demo_keeps_no_simulated_points(
    fake: FakeUpstream, tmp_path: Path, sqlite_store: SQLiteStore, fast_retry: RetryPolicy
) -> None:
    """Real prices are not judged against simulated ones either: a real BTC more than ten
    times the simulated level (MAX_PRICE_JUMP) is still believed."""
    settings = fake.settings(tmp_path, supported_symbols=("BTC", "ETH"))
    demo_cycle(settings, sqlite_store)
    fake.set_price("BTC", usd=990_000.0)

    status = asyncio.run(run_cycle(settings, sqlite_store, retry=fast_retry, steps=()))

    assert (status.ok, status.source, status.symbols_updated) == (True, "coingecko", 2)
    history = sqlite_store.price_history("BTC", "usd", 0, now())
    assert [(p.price, p.source) for p in history] == [(990_000.0, "coingecko")]
    rows = records(sqlite_store, export_spec(settings, now()), "usd")
    assert len(rows) == 2 and not any("simulated" in row for row in rows)
    assert encode(rows, ExportFormat.CSV).decode().splitlines()[0] == "id,timestamp,name,symbol,price"
