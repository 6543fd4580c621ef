"""Requests without a valid key are limited per client address (issue 11, item 10): a client
guessing keys gets AUTH_FAILURES_PER_MINUTE refusals, then 429 with Retry-After, while a watch
whose key the server already knows keeps being served from the same address."""

from __future__ import annotations

import dataclasses
import secrets

import httpx

from shared.config import Settings
from shared.store.base import Store
from tests.security.conftest import running_target
from tests.support.clock import freeze

WATCH_ROUTE = "/v1/prices?symbols=BTC"
GUESSES = 200


def test_random_keys_from_one_address_are_refused_then_limited(settings: Settings, sqlite_store: Store) -> None:
    allowed = settings.auth_failures_per_minute  # as shipped
    with running_target(settings, sqlite_store) as target, httpx.Client(base_url=target.url) as client:
        victim = {"X-API-Key": target.victim}
        assert client.get(WATCH_ROUTE, headers=victim).status_code == 200  # this worker now knows the key
        freeze(target.services)
        answers = [client.get(WATCH_ROUTE, headers={"X-API-Key": f"cw_{secrets.token_urlsafe(24)}"})
                   for _ in range(GUESSES)]
        no_key = client.get(WATCH_ROUTE)
        still_served = client.get(WATCH_ROUTE, headers=victim)

    codes = [(a.status_code, a.json()["error"]) for a in answers]
    assert codes[:allowed] == [(401, "unknown_key")] * allowed
    assert codes[allowed:] == [(429, "rate_limited")] * (GUESSES - allowed)
    assert all(1 <= int(a.headers["retry-after"]) <= 60 for a in answers[allowed:])
    assert "retry in" in answers[-1].json()["message"]
    assert (no_key.status_code, no_key.json()["error"]) == (429, "rate_limited")  # no key at all: refused too
    assert still_served.status_code == 200


def test_the_limit_is_a_setting(settings: Settings, sqlite_store: Store) -> None:
    strict = dataclasses.replace(settings, auth_failures_per_minute=3)
    with running_target(strict, sqlite_store) as target, httpx.Client(base_url=target.url) as client:
        freeze(target.services)
        statuses = [client.get(WATCH_ROUTE, headers={"X-API-Key": "cw_" + "Z" * 32}).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
