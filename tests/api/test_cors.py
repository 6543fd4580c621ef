"""CORS: off by default; with CORS_ORIGINS, a listed origin's page may call the API (preflight
answered before auth, the rate-limit and ETag headers readable), and any other origin may not."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from shared.config import Settings
from shared.errors import ConfigError
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.sqlite import SQLiteStore
from tests.api.conftest import seed_prices
from tests.support.server import serve

PAGE = "https://dashboard.example.com"
PRICES = "/v1/prices?symbols=BTC"


@pytest.fixture
def secret(sqlite_store: SQLiteStore) -> str:
    seed_prices(sqlite_store, now())
    return issue_key(sqlite_store, Scope.WATCH, now()).secret


@pytest.fixture
def api(settings: Settings, sqlite_store: SQLiteStore) -> Iterator[httpx.Client]:
    allowed = dataclasses.replace(settings, cors_origins=(PAGE,))
    with serve(create_app(allowed, sqlite_store)) as server, httpx.Client(base_url=server.url) as client:
        yield client


def preflight(client: httpx.Client, origin: str) -> httpx.Response:
    return client.options(
        PRICES,
        headers={"Origin": origin, "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "x-api-key, if-none-match"},
    )  # fmt: skip


def test_without_cors_origins_no_browser_origin_is_allowed(
    settings: Settings, sqlite_store: SQLiteStore, secret: str
) -> None:
    with serve(create_app(settings, sqlite_store)) as server, httpx.Client(base_url=server.url) as client:
        answer = client.get(PRICES, headers={"Origin": PAGE, "X-API-Key": secret})

    assert settings.cors_origins == ()
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers


def test_a_listed_origin_passes_the_preflight_without_a_key(api: httpx.Client) -> None:
    answer = preflight(api, PAGE)

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == PAGE
    assert {"x-api-key", "if-none-match"} <= set(answer.headers["access-control-allow-headers"].lower().split(", "))
    assert "access-control-allow-credentials" not in answer.headers


def test_a_listed_origin_reads_the_body_and_the_rate_limit_headers(api: httpx.Client, secret: str) -> None:
    answer = api.get(PRICES, headers={"Origin": PAGE, "X-API-Key": secret})
    exposed = set(answer.headers["access-control-expose-headers"].lower().split(", "))

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == PAGE
    assert {"etag", "ratelimit-remaining", "retry-after"} <= exposed


def test_an_error_answer_carries_the_header_too_so_the_page_can_read_why(api: httpx.Client) -> None:
    answer = api.get(PRICES, headers={"Origin": PAGE})

    assert answer.status_code == 401
    assert answer.json()["error"] == "missing_key"
    assert answer.headers["access-control-allow-origin"] == PAGE


def test_another_origin_is_refused(api: httpx.Client, secret: str) -> None:
    refused = preflight(api, "https://evil.example.net")
    answered = api.get(PRICES, headers={"Origin": "https://evil.example.net", "X-API-Key": secret})

    assert refused.status_code == 400
    assert "access-control-allow-origin" not in answered.headers


def test_cors_origins_are_read_from_the_environment_and_checked(tmp_path: Path) -> None:
    env = {"CRYPTOWATCH_DATA_DIR": str(tmp_path), "CORS_ORIGINS": "https://A.example.com/, http://localhost:5173"}

    assert Settings.from_env(env).cors_origins == ("https://a.example.com", "http://localhost:5173")
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        Settings.from_env({**env, "CORS_ORIGINS": "dashboard.example.com/path"})
