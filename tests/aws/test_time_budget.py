"""The API function's time budget: however slowly DynamoDB or S3 answer, a request ends with a
503 and Retry-After before Lambda's timeout (which the client would see as a 500) and before
the HTTP API's 30 s limit.

One call's worst case is read from the clients the code really makes (their botocore Config):
every attempt waits out the connect and the read timeout (a PUT with a body first waits up to
1 s for `100 Continue`), and between attempts botocore's standard mode sleeps at most its
throttling backoff, rand() x min(2^(i-1) s, 20 s). Neither service sends the
`x-amz-retry-after` header that could stretch that sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from shared.errors import StoreUnavailable
from shared.exports.s3 import S3Sink
from shared.store.dynamodb import DynamoStore
from tests.aws.test_template import function
from tests.support.server import silent_listener

HTTP_API_LIMIT_SECONDS = 30
#: Left after the last store call gave up: answering 503 + Retry-After, and Lambda's own overhead.
RESERVE_SECONDS = 2
#: The costliest watch request, an instance's first (docs/benchmarks.md): find_key_by_hash and
#: hit, then price_snapshot (one BatchGetItem) to load the price cache.
COLD_WATCH_DYNAMODB_CALLS = 3
#: botocore's fixed wait for `100 Continue` before it sends a body anyway (awsrequest.py).
EXPECT_CONTINUE_SECONDS = 1


def attempts(client: Any) -> int:
    retries = client.meta.config.retries
    assert retries["mode"] == "standard"
    return int(retries["total_max_attempts"])


def worst_call_seconds(client: Any, sends_body: bool = False) -> float:
    config = client.meta.config
    attempt = config.connect_timeout + (EXPECT_CONTINUE_SECONDS if sends_body else 0) + config.read_timeout
    backoff = sum(min(2 ** (retry - 1), 20) for retry in range(1, attempts(client)))
    return float(attempts(client) * attempt + backoff)


def test_the_api_function_answers_before_the_http_api_gives_up() -> None:
    assert function("ApiFunction")["Timeout"] < HTTP_API_LIMIT_SECONDS


def test_the_costliest_watch_request_fits_the_api_functions_timeout() -> None:
    client = DynamoStore("cw-budget", endpoint_url="http://127.0.0.1:9").client
    worst = COLD_WATCH_DYNAMODB_CALLS * worst_call_seconds(client)
    budget = function("ApiFunction")["Timeout"] - RESERVE_SECONDS

    assert worst <= budget, f"{worst} s of DynamoDB calls, {budget} s to spend"


def timed_failure(call: Callable[[], object]) -> tuple[float, StoreUnavailable]:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        call()
    return time.monotonic() - started, raised.value


def test_a_dynamodb_that_never_answers_is_store_unavailable_within_one_calls_budget() -> None:
    with silent_listener() as (port, accepted):
        store = DynamoStore("cw-silent", endpoint_url=f"http://127.0.0.1:{port}")
        budget, tries = worst_call_seconds(store.client), attempts(store.client)

        elapsed, error = timed_failure(lambda: store.hit("key_a", 1_700_000_040, 100, 60))
        store.close()

    assert elapsed <= budget
    assert len(accepted) == tries
    assert error.status == 503 and error.retry_after


def test_an_s3_that_never_answers_is_store_unavailable_within_one_calls_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with silent_listener() as (port, accepted):
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{port}")
        sink = S3Sink("cw-silent", region="us-east-1")
        budget = worst_call_seconds(sink.client, sends_body=True)

        elapsed, error = timed_failure(lambda: sink.save("exports/x.json", b"[]", "application/json"))

    assert elapsed <= budget
    assert len(accepted) == attempts(sink.client)
    assert error.status == 503
