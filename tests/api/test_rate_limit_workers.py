"""Rate limiting stays exact when two uvicorn worker processes share one SQLite file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.sqlite import SQLiteStore
from tests.support.seed import seed_prices
from tests.support.workers import LIMIT, REQUESTS, burst_against_two_workers


def test_exactly_the_limit_is_admitted_across_two_workers(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cryptowatch.db")
    store.init()
    seed_prices(store, now())
    key = issue_key(store, Scope.WATCH, now())
    store.close()
    counts = burst_against_two_workers(key.secret, CRYPTOWATCH_DATA_DIR=str(tmp_path))
    assert counts == Counter({200: LIMIT, 429: REQUESTS - LIMIT})
