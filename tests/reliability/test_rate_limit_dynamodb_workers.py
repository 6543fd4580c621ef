"""Rate limiting stays exact when two uvicorn worker processes share one DynamoDB table: the
DynamoDB twin of tests/api/test_rate_limit_workers.py (SQLite), through the same burst.

tests/contract/test_dynamodb_specific.py proves the store counts hits from several processes
exactly; this proves the API built on it admits exactly the limit, end to end."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from tests.api.conftest import seed_prices, wait_for_fresh_minute
from tests.api.test_rate_limit_workers import LIMIT, REQUESTS, burst, start_workers, wait_until_up
from tests.support.dynamodb_local import fresh_store
from tests.support.server import free_port

pytestmark = pytest.mark.dynamodb


def test_exactly_the_limit_is_admitted_across_two_workers_on_dynamodb(tmp_path: Path, dynamodb_local: str) -> None:
    with fresh_store(dynamodb_local) as store:
        seed_prices(store, now())
        key = issue_key(store, Scope.WATCH, now())
        port = free_port()
        workers = start_workers(
            port,
            CRYPTOWATCH_DATA_DIR=str(tmp_path),
            DYNAMODB_TABLE_NAME=store.table_name,
            AWS_ENDPOINT_URL_DYNAMODB=dynamodb_local,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, workers)
            wait_for_fresh_minute(margin=20)
            counts = asyncio.run(burst(url, key.secret))
        finally:
            workers.terminate()
            workers.wait(timeout=20)
    assert counts == Counter({200: LIMIT, 429: REQUESTS - LIMIT})
