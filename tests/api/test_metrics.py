"""Request metrics: Prometheus on /metrics for the self-hosted run (an admin key; every worker's
counts together), CloudWatch embedded metric lines on Lambda (batched, within the format's
limits)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.metrics_emf import FLUSH_SECONDS, EmfMetrics
from api.metrics_prometheus import PrometheusMetrics
from shared.emf import MAX_VALUES
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.sqlite import SQLiteStore
from tests.api.conftest import WatchService, seed_prices
from tests.support.server import free_port
from tests.support.workers import start_workers, wait_until_up

ONE_PRICE = 'cryptowatch_requests_total{route="/v1/prices/{symbol}",status_class="2xx"}'


def counted(text: str, sample: str) -> float:
    """The value of one sample line of a Prometheus exposition (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_metrics_count_each_route_by_template_and_status_class(watch_service: WatchService) -> None:
    with watch_service.connect({}) as client:
        admin = {"X-API-Key": watch_service.admin_key}
        before = client.get("/metrics", headers=admin).text
        for symbol in ("BTC", "ETH", "NOPE"):
            client.get(f"/v1/prices/{symbol}", headers={"X-API-Key": watch_service.key})
        client.get("/no/such/path")
        after = client.get("/metrics", headers=admin)

    assert after.status_code == 200
    assert after.headers["content-type"].startswith("text/plain")
    assert counted(after.text, ONE_PRICE) - counted(before, ONE_PRICE) == 2
    unknown = 'cryptowatch_requests_total{route="/v1/prices/{symbol}",status_class="4xx"}'
    assert counted(after.text, unknown) - counted(before, unknown) == 1
    assert counted(after.text, 'cryptowatch_requests_total{route="other",status_class="4xx"}') >= 1
    assert 'cryptowatch_request_duration_seconds_bucket{le="0.005",route="/v1/prices/{symbol}"' in after.text


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_repeat_polls_revalidations_and_refusals_count_like_first_polls(watch_service: WatchService) -> None:
    """A watch's repeat polls are answered ahead of the full stack (the fast lane), which counts
    them itself: under the same route templates and status classes as the first poll."""
    limited = issue_key(watch_service.store, Scope.WATCH, now(), rate_limit=4).secret
    both = 'cryptowatch_requests_total{route="/v1/prices",status_class="%s"}'
    one = 'cryptowatch_requests_total{route="/v1/prices/{symbol}",status_class="%s"}'
    with watch_service.connect({}) as client:
        before = client.get("/metrics", headers={"X-API-Key": watch_service.admin_key}).text
        for url in ("/v1/prices?symbols=BTC,ETH", "/v1/prices/BTC"):
            etag = client.get(url, headers={"X-API-Key": watch_service.key}).headers["etag"]
            for _ in range(3):
                assert client.get(url, headers={"X-API-Key": watch_service.key}).status_code == 200
                revalidated = client.get(url, headers={"X-API-Key": watch_service.key, "If-None-Match": etag})
                assert revalidated.status_code == 304
        statuses = [client.get("/v1/prices/BTC", headers={"X-API-Key": limited}).status_code for _ in range(6)]
        after = client.get("/metrics", headers={"X-API-Key": watch_service.admin_key}).text

    def added(sample: str) -> float:
        return counted(after, sample) - counted(before, sample)

    assert statuses == [200] * 4 + [429] * 2
    assert (added(both % "2xx"), added(both % "3xx")) == (4, 3)
    assert (added(one % "2xx"), added(one % "3xx"), added(one % "4xx")) == (8, 3, 2)
    latency = 'cryptowatch_request_duration_seconds_count{route="/v1/prices/{symbol}",status_class="3xx"}'
    assert added(latency) == 3


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_metrics_need_an_admin_key(watch_service: WatchService) -> None:
    with watch_service.connect({}) as client:
        missing = client.get("/metrics")
        watch = client.get("/metrics", headers={"X-API-Key": watch_service.key})

    assert (missing.status_code, missing.json()["error"]) == (401, "missing_key")
    assert (watch.status_code, watch.json()["error"]) == (403, "insufficient_scope")


def test_every_worker_answers_metrics_for_all_of_them(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cryptowatch.db")
    store.init()
    seed_prices(store, now())
    watch = issue_key(store, Scope.WATCH, now()).secret
    admin = issue_key(store, Scope.ADMIN, now()).secret
    store.close()
    folder = tmp_path / "metrics"
    port = free_port()
    process = start_workers(port, CRYPTOWATCH_DATA_DIR=str(tmp_path), PROMETHEUS_MULTIPROC_DIR=str(folder))
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process)
        for _ in range(60):  # a new connection each, so both workers take some
            assert httpx.get(url + "/v1/prices/BTC", headers={"X-API-Key": watch}).status_code == 200
        time.sleep(PrometheusMetrics.FLUSH_SECONDS * 2)  # each worker writes its tallies every second
        scrapes = [httpx.get(url + "/metrics", headers={"X-API-Key": admin}).text for _ in range(8)]
    finally:
        process.terminate()
        process.wait(timeout=15)

    assert len({file.stem.rpartition("_")[2] for file in folder.glob("counter_*.db")}) == 2  # both served
    assert {counted(text, ONE_PRICE) for text in scrapes} == {60}


def test_emf_lines_batch_up_to_the_formats_limit_or_a_minute() -> None:
    lines: list[str] = []
    clock = [1000.0]
    metrics = EmfMetrics("prod", write=lines.append, clock=lambda: clock[0])

    for _ in range(MAX_VALUES + 3):
        metrics.observe("/v1/prices", 200, 0.0042)
    metrics.observe("/v1/prices", 429, 0.001)
    assert len(lines) == 1  # the first 100 samples of one route and class
    clock[0] += FLUSH_SECONDS
    metrics.observe("/health", 503, 0.02)

    records = [json.loads(line) for line in lines]
    by_class = {r["StatusClass"]: r for r in records if r["Route"] == "/v1/prices"}
    meta = records[0]["_aws"]["CloudWatchMetrics"][0]
    assert meta["Dimensions"] == [["Environment", "Route", "StatusClass"]]
    assert {m["Name"]: m["Unit"] for m in meta["Metrics"]} == {"Requests": "Count", "Latency": "Milliseconds"}
    assert [r["Requests"] for r in records if r["Route"] == "/v1/prices" and r["StatusClass"] == "2xx"] == [100, 3]
    assert by_class["4xx"]["Latency"] == [1.0]
    assert records[0]["Latency"][0] == 4.2 and records[0]["Environment"] == "prod"
    assert {r["Route"] for r in records} == {"/v1/prices", "/health"}
    assert all(len(r["Latency"]) <= MAX_VALUES for r in records)


def test_on_lambda_the_api_writes_emf_and_never_loads_prometheus(tmp_path: Path) -> None:
    probe = (
        "import sys, api.lambda_handler as h;"
        "print(type(h.handler.app.user_middleware[0].kwargs['observer']).__name__,"
        " 'prometheus_client' in sys.modules, any(r.path == '/metrics' for r in h.handler.app.routes))"
    )
    env = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "cryptowatch-api", "CRYPTOWATCH_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)

    assert result.stdout.split() == ["EmfMetrics", "False", "False"], result.stderr
