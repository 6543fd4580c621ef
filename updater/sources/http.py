"""GET a JSON (or CSV) document from an upstream API, with the retry policy every source shares.

Timeouts, connection errors, 5xx and 429 are retried with exponential backoff and full jitter
(sleep a random time between 0 and base * 2**attempt, capped), a 429's Retry-After is honoured
when it fits the cap, and the number of attempts is bounded so one cycle cannot run into the
next. Anything else that is wrong ends in SourceError with a message a person can act on.

An upstream that names a time to stay away for which is longer than we wait within a cycle
(Binance's 418 IP ban, whose Retry-After is the seconds until the ban is over; a 429 with a long
Retry-After) is not called again until then (`RESTING`): Binance lengthens the ban, from 2
minutes up to 3 days, for every call made during it. This is remembered by the process (the
local loop, a warm Lambda container); a fresh process calls once and is told again.
A body is read up to MAX_BODY_BYTES only, and an attempt ends after `attempt_seconds` however
slowly the answer trickles in.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from shared.models import UpdateError
from updater.bounded import read_at_most, snippet
from updater.sources.base import SourceError

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    #: A Retry-After longer than this is not waited for: the source gives up at once, so the
    #: cycle can fall back instead of sleeping past its own schedule.
    max_retry_after: float = 20.0
    #: One attempt's whole answer, however slowly it trickles in (httpx's timeouts are per read).
    attempt_seconds: float = 30.0
    sleep: Sleep = field(default=asyncio.sleep, compare=False)
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"RetryPolicy.attempts must be at least 1, not {self.attempts}")

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max_delay, base_delay * 2**attempt)]."""
        return self.jitter() * min(self.max_delay, self.base_delay * 2**attempt)


DEFAULT_RETRY = RetryPolicy()
#: Largest body read from an upstream: CoinGecko's answer for a few hundred coins is ~50 KB.
MAX_BODY_BYTES = 4 * 1024 * 1024
#: Of an error answer, only what a message shows.
ERROR_BODY_BYTES = 2048
#: Binance's shortest IP ban, assumed when a 418 names no time.
MIN_BAN_SECONDS = 120.0
_BANNED_UNTIL = re.compile(r"banned until (\d{12,14})")


class Resting:
    """URL -> (wall-clock time until which it is not called, why), for this process."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._until: dict[str, tuple[float, str, UpdateError]] = {}
        self._clock = clock

    def rest(self, url: str, seconds: float, why: str, code: UpdateError) -> None:
        self._until[url] = (self._clock() + seconds, why, code)

    def check(self, source: str, url: str) -> None:
        """SourceError, without a request, while `url` is resting."""
        until, why, code = self._until.get(url, (0.0, "", UpdateError.UPSTREAM_REFUSED))
        if until > self._clock():
            when = datetime.fromtimestamp(until, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            raise SourceError(f"{source}: not called: {why} until {when}", code)
        self._until.pop(url, None)

    def clear(self) -> None:
        self._until.clear()


RESTING = Resting()


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def ban_seconds(response: httpx.Response, body: bytes) -> float:
    """How long a 418 IP ban lasts: Retry-After, else the 'banned until <epoch ms>' of Binance's
    message, else its shortest ban."""
    wait = retry_after_seconds(response.headers.get("retry-after"))
    if wait is not None:
        return wait
    found = _BANNED_UNTIL.search(body.decode("utf-8", errors="replace"))
    if found is not None:
        return max(0.0, int(found.group(1)) / 1000 - time.time())
    return MIN_BAN_SECONDS


async def _answer(
    client: httpx.AsyncClient,
    url: str,
    policy: RetryPolicy,
    params: Mapping[str, str] | None,
    headers: Mapping[str, str] | None,
) -> tuple[httpx.Response, bytes, bool]:
    """One GET within the attempt's deadline: (response, its body read up to the limit for its
    status, whether the body went past that limit)."""
    async with asyncio.timeout(policy.attempt_seconds):
        async with client.stream("GET", url, params=params, headers=headers) as response:
            limit = MAX_BODY_BYTES if response.is_success else ERROR_BODY_BYTES
            body, more = await read_at_most(response, limit)
            return response, body, more


async def get_json(
    client: httpx.AsyncClient,
    source: str,
    url: str,
    policy: RetryPolicy,
    *,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """The decoded JSON body of a 2xx answer to GET `url`; SourceError when there is none."""
    body = await get_body(client, source, url, policy, params=params, headers=headers)
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"{source}: malformed JSON body ({error})") from None


async def get_body(
    client: httpx.AsyncClient,
    source: str,
    url: str,
    policy: RetryPolicy,
    *,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """The body of a 2xx answer to GET `url` (JSON or CSV alike); SourceError when there is none."""
    RESTING.check(source, url)
    problem, code = "", UpdateError.UPSTREAM_ERROR
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        try:
            response, body, more = await _answer(client, url, policy, params, headers)
        except TimeoutError:
            problem = f"timed out (no whole answer within {policy.attempt_seconds:g} s)"
            code, delay = UpdateError.UPSTREAM_TIMEOUT, policy.backoff(attempt)
        except httpx.TimeoutException as error:
            problem, code = f"timed out ({type(error).__name__})", UpdateError.UPSTREAM_TIMEOUT
            delay = policy.backoff(attempt)
        except httpx.TransportError as error:
            problem, code = f"unreachable ({type(error).__name__}: {error})", UpdateError.UPSTREAM_UNREACHABLE
            delay = policy.backoff(attempt)
        else:
            status = response.status_code
            if 200 <= status < 300:
                if more:
                    raise SourceError(f"{source}: the body is larger than {MAX_BODY_BYTES} bytes; not read")
                return body
            if status == 429:
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None and wait > policy.max_retry_after:
                    RESTING.rest(url, wait, "rate limited (HTTP 429)", UpdateError.UPSTREAM_RATE_LIMITED)
                    raise SourceError(
                        f"{source}: rate limited (HTTP 429), Retry-After {wait:.0f} s is longer "
                        f"than the {policy.max_retry_after:.0f} s we wait",
                        UpdateError.UPSTREAM_RATE_LIMITED,
                    )
                problem, code = "rate limited (HTTP 429)", UpdateError.UPSTREAM_RATE_LIMITED
                delay = policy.backoff(attempt) if wait is None else wait
            elif status == 418:
                wait = ban_seconds(response, body)
                RESTING.rest(url, wait, "banned (HTTP 418)", UpdateError.UPSTREAM_RATE_LIMITED)
                raise SourceError(
                    f"{source}: IP banned (HTTP 418) for {wait:.0f} s; not called again before then",
                    UpdateError.UPSTREAM_RATE_LIMITED,
                )
            elif status >= 500:
                problem, code = f"HTTP {status}", UpdateError.UPSTREAM_ERROR
                delay = policy.backoff(attempt)
            else:
                raise SourceError(f"{source}: HTTP {status}: {snippet(body)}", UpdateError.UPSTREAM_REFUSED)
        if not last:
            log.info("%s: %s; retrying in %.2f s", source, problem, delay)
            await policy.sleep(delay)
    raise SourceError(f"{source}: {problem} after {policy.attempts} attempts", code)
