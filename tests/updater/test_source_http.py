"""The retry policy every source shares, against httpx.MockTransport answers."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from updater.sources.base import SourceError
from updater.sources.http import MAX_BODY_BYTES, RetryPolicy, get_json, retry_after_seconds

Handler = Callable[[httpx.Request], httpx.Response]


def fetch(handler: Handler, policy: RetryPolicy) -> object:
    async def go() -> object:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await get_json(client, "upstream", "http://upstream.test/x", policy)

    return asyncio.run(go())


def answers(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler giving `responses` in turn, and the list of requests it saw."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses[min(len(seen), len(responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, seen


def test_retry_after_reads_seconds_and_http_dates() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(format_datetime(at + timedelta(seconds=30), usegmt=True), at) == 30.0
    assert retry_after_seconds(format_datetime(at - timedelta(seconds=30), usegmt=True), at) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_is_full_jitter_capped() -> None:
    top = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=lambda: 1.0)
    bottom = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=lambda: 0.0)
    assert [top.backoff(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert bottom.backoff(3) == 0.0


def test_server_errors_are_retried_until_success(fast_retry: RetryPolicy, sleeps) -> None:
    handler, seen = answers(httpx.Response(502), httpx.Response(503), httpx.Response(200, json={"a": 1}))
    assert fetch(handler, fast_retry) == {"a": 1}
    assert len(seen) == 3 and len(sleeps.delays) == 2


def test_429_waits_what_retry_after_says(fast_retry: RetryPolicy, sleeps) -> None:
    handler, seen = answers(httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json=[1]))
    assert fetch(handler, fast_retry) == [1]
    assert sleeps.delays == [2.0]


def test_429_with_a_retry_after_beyond_the_cap_gives_up_at_once(fast_retry: RetryPolicy) -> None:
    handler, seen = answers(httpx.Response(429, headers={"Retry-After": "600"}))
    with pytest.raises(SourceError, match="Retry-After 600 s is longer than the 2 s"):
        fetch(handler, fast_retry)
    assert len(seen) == 1


def test_timeouts_and_connect_errors_use_a_bounded_number_of_attempts(
    fast_retry: RetryPolicy,
) -> None:
    handler, seen = answers(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"))
    with pytest.raises(SourceError, match=r"upstream: timed out \(ReadTimeout\) after 3 attempts"):
        fetch(handler, fast_retry)
    assert len(seen) == 3


def test_client_errors_are_not_retried_and_say_what_upstream_said(fast_retry: RetryPolicy) -> None:
    handler, seen = answers(httpx.Response(401, json={"error": "invalid api key"}))
    with pytest.raises(SourceError, match="HTTP 401: .*invalid api key"):
        fetch(handler, fast_retry)
    assert len(seen) == 1


def test_a_body_that_is_not_json_is_a_source_error(fast_retry: RetryPolicy) -> None:
    handler, _ = answers(httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(SourceError, match="malformed JSON body"):
        fetch(handler, fast_retry)


def test_an_endless_body_is_read_only_up_to_the_limit(fast_retry: RetryPolicy) -> None:
    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"[" * 65_536

    handler, seen = answers(httpx.Response(200, content=endless()))
    with pytest.raises(SourceError, match=f"upstream: the body is larger than {MAX_BODY_BYTES} bytes"):
        fetch(handler, fast_retry)
    assert len(seen) == 1


def test_an_answer_that_trickles_ends_at_the_attempt_deadline(fast_retry: RetryPolicy) -> None:
    """A byte every 50 ms never trips a per-read timeout; the attempt's own deadline ends it."""

    async def trickle() -> AsyncIterator[bytes]:
        while True:
            await asyncio.sleep(0.05)
            yield b" "

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=trickle())

    policy = dataclasses.replace(fast_retry, attempt_seconds=0.3)
    with pytest.raises(SourceError, match=r"timed out \(no whole answer within 0.3 s\) after 3 attempts"):
        fetch(handler, policy)
    assert len(seen) == 3
