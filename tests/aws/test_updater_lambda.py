"""The updater function as Lambda runs it: a cold import, then scheduled invocations that each
run one cycle against the fake CoinGecko/Binance upstream and DynamoDB Local."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import AlertStatus, Channel, Condition, Scope
from shared.store.dynamodb import DynamoStore
from shared.users import create_user
from tests.aws.lambdas import api_function, updater_function
from tests.support.fake_upstream import FakeUpstream, Fault, running_fake_upstream
from tests.support.webhook import webhook_receiver
from updater.lambda_handler import METRIC_NAMESPACE, UpdateFailed

pytestmark = pytest.mark.dynamodb

LEVELS = {"BTC": 67_187.33, "ETH": 3_400.25, "SOL": 172.5}


@pytest.fixture
def upstream(lambda_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeUpstream]:
    with running_fake_upstream() as fake:
        for symbol, usd in LEVELS.items():
            fake.set_price(symbol, usd=usd, change=1.25)
        monkeypatch.setenv("EXTERNAL_API_URL", f"{fake.url}/api/v3")
        monkeypatch.setenv("BINANCE_API_URL", fake.url)
        monkeypatch.setenv("EXTERNAL_API_KEY", "cg-demo-key")
        yield fake


def metrics(output: str) -> list[dict[str, Any]]:
    """The embedded-metric-format records the function printed."""
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [r for r in records if "_aws" in r]


def test_a_tick_runs_one_cycle_into_the_table(
    upstream: FakeUpstream, dynamo_table: DynamoStore, capsys: pytest.CaptureFixture[str]
) -> None:
    with updater_function() as tick:
        result = tick()

    assert result["ok"] is True
    assert result["source"] == "coingecko"
    assert result["symbols_updated"] == 3
    assert json.loads(json.dumps(result)) == result  # what Lambda can return
    latest = {p.symbol: p.price for p in dynamo_table.latest_prices()}
    assert latest == LEVELS
    (request,) = upstream.requests_to("coingecko")
    assert request.headers["x-cg-demo-api-key"] == "cg-demo-key"
    status = dynamo_table.update_status()
    assert status is not None and status.ok and status.last_success_at == result["finished_at"]
    (record,) = metrics(capsys.readouterr().out)
    assert record["_aws"]["CloudWatchMetrics"][0]["Namespace"] == METRIC_NAMESPACE
    assert record["Environment"] == "test"
    assert record["UpdateSucceeded"] == 1
    assert 0 <= record["PricesAgeSeconds"] <= 2


def test_binance_takes_over_when_coingecko_refuses(upstream: FakeUpstream, dynamo_table: DynamoStore) -> None:
    upstream.fail("coingecko", Fault.error(401))

    with updater_function() as tick:
        result = tick()

    assert result["ok"] is True
    assert result["source"] == "binance"
    assert "401" in result["passed_over"]
    assert {p.symbol for p in dynamo_table.latest_prices()} == set(LEVELS)


def test_a_failed_cycle_raises_and_keeps_the_last_good_prices(
    upstream: FakeUpstream, dynamo_table: DynamoStore, capsys: pytest.CaptureFixture[str]
) -> None:
    with updater_function() as tick:
        good = tick()
        upstream.set_price("BTC", usd=1.0)  # never written: both sources fail below
        upstream.fail("coingecko", Fault.error(401))
        upstream.fail("binance", Fault.error(451))
        with pytest.raises(UpdateFailed, match="451"):
            tick()

    assert {p.symbol: p.price for p in dynamo_table.latest_prices()} == LEVELS
    status = dynamo_table.update_status()
    assert status is not None and not status.ok
    assert status.last_success_at == good["finished_at"]
    first, failed = metrics(capsys.readouterr().out)
    assert (first["UpdateSucceeded"], failed["UpdateSucceeded"]) == (1, 0)
    assert failed["PricesAgeSeconds"] >= 0  # still reported: the alarm compares it with two cycles


def test_no_success_yet_reports_no_age(
    upstream: FakeUpstream, dynamo_table: DynamoStore, capsys: pytest.CaptureFixture[str]
) -> None:
    """Missing PricesAgeSeconds is what the staleness alarm treats as stale."""
    upstream.fail("coingecko", Fault.error(401))
    upstream.fail("binance", Fault.error(451))

    with updater_function() as tick, pytest.raises(UpdateFailed):
        tick()

    (record,) = metrics(capsys.readouterr().out)
    assert record["UpdateSucceeded"] == 0
    assert "PricesAgeSeconds" not in record
    assert {m["Name"] for m in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]} == {"UpdateSucceeded", "CycleSeconds"}


def test_a_tick_fires_alerts_and_delivers_the_webhook(
    upstream: FakeUpstream, dynamo_table: DynamoStore, lambda_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "true")  # the receiver is on loopback
    settings = Settings.from_env({**lambda_env, "WEBHOOK_ALLOW_PRIVATE": "true"})
    user = create_user(dynamo_table, email="ada@example.com", name="Ada", webhook_secret="s3cret-hook")
    with webhook_receiver() as receiver:
        spec = AlertSpec("BTC", Condition.ABOVE, 60_000.0, channel=Channel.WEBHOOK, destination=receiver.url)
        alert = dynamo_table.create_alert(new_alert(spec, user, settings, now()))

        with updater_function() as tick:
            tick()

        (delivery,) = receiver.received()
    assert b"BTC" in delivery.body
    stored = dynamo_table.get_alert(alert.id)
    assert stored is not None and stored.status == AlertStatus.TRIGGERED


def test_the_api_function_serves_what_the_updater_function_wrote(
    upstream: FakeUpstream, dynamo_table: DynamoStore
) -> None:
    key = issue_key(dynamo_table, Scope.WATCH, now(), label="watch")
    with updater_function() as tick:
        tick()

    with api_function() as api:
        response = api.request("GET", "/v1/prices", "symbols=BTC,SOL", key=key.secret)
        health = api.request("GET", "/health")

    assert response["statusCode"] == 200
    assert json.loads(response["body"])["p"] == {"BTC": [67187.3, 1.25], "SOL": [172.5, 1.25]}
    assert health["statusCode"] == 200
