"""Rate limiting stays exact when two uvicorn worker processes share one DynamoDB table: the
DynamoDB twin of tests/api/test_rate_limit_workers.py (SQLite), through the same burst.

tests/contract/test_dynamodb_specific.py proves the store counts hits from several processes
exactly; this proves the API built on it admits exactly the limit, end to end."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from tests.support.dynamodb_local import fresh_store
from tests.support.seed import seed_prices
from tests.support.workers import LIMIT, REQUESTS, burst_against_two_workers

pytestmark = pytest.mark.dynamodb


def test_exactly_the_limit_is_admitted_across_two_workers_on_dynamodb(tmp_path: Path, dynamodb_local: str) -> None:
    with fresh_store(dynamodb_local) as store:
        seed_prices(store, now())
        key = issue_key(store, Scope.WATCH, now())
        counts = burst_against_two_workers(
            key.secret,
            CRYPTOWATCH_DATA_DIR=str(tmp_path),
            DYNAMODB_TABLE_NAME=store.table_name,
            AWS_ENDPOINT_URL_DYNAMODB=dynamodb_local,
        )
    assert counts == Counter({200: LIMIT, 429: REQUESTS - LIMIT})
