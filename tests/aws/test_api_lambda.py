"""The API function as Lambda runs it: `api.lambda_handler.handler` imported cold with the
template's environment, answering API Gateway HTTP API v2 events, on DynamoDB Local and
moto's S3."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest

from shared.exports.s3 import S3Sink
from shared.ids import now, utc_day
from shared.keyring import issue_key
from shared.models import PricePoint, Scope, UpdateStatus
from shared.store.dynamodb import DynamoStore
from tests.aws.lambdas import ApiFunction, api_function
from tests.support.dynamodb_local import api_calls

pytestmark = pytest.mark.dynamodb

PRICES = {"BTC": (97123.4567, -1.2345), "ETH": (3456.789, 0.85), "SOL": (245.1234, 3.1)}


@dataclass
class Deployed:
    """The API function of a deployment, with its table, its bucket and two keys."""

    function: ApiFunction
    store: DynamoStore
    bucket: str
    watch_key: str
    admin_key: str

    def request(
        self, method: str, path: str, query: str = "", key: str | None = None, **options: Any
    ) -> dict[str, Any]:
        return self.function.request(method, path, query, key, **options)


@pytest.fixture
def deployed(lambda_env: dict[str, str], dynamo_table: DynamoStore) -> Iterator[Deployed]:
    at = now()
    dynamo_table.put_prices(
        [PricePoint(s, "usd", p, c, at - 60 * i, "coingecko") for s, (p, c) in PRICES.items() for i in (1, 0)]
    )
    dynamo_table.record_update(
        UpdateStatus(ok=True, source="coingecko", started_at=at, finished_at=at, symbols_updated=3, last_success_at=at)
    )
    watch = issue_key(dynamo_table, Scope.WATCH, at, label="watch")
    admin = issue_key(dynamo_table, Scope.ADMIN, at, label="admin")
    with api_function() as function:
        yield Deployed(function, dynamo_table, lambda_env["EXPORT_BUCKET"], watch.secret, admin.secret)


def json_body(response: dict[str, Any]) -> Any:
    assert response["isBase64Encoded"] is False
    assert response["headers"]["content-type"].startswith("application/json")
    return orjson.loads(response["body"])


def test_the_function_runs_on_the_templates_backends(deployed: Deployed) -> None:
    services = deployed.function.services

    assert isinstance(services.store, DynamoStore)
    assert services.store.table_name == deployed.store.table_name
    assert isinstance(services.exports, S3Sink) and services.exports.bucket == deployed.bucket


def test_health_answers_without_a_key(deployed: Deployed) -> None:
    response = deployed.request("GET", "/health")

    assert response["statusCode"] == 200
    body = json_body(response)
    assert body["status"] == "ok"
    assert body["store"] == "ok"
    assert body["prices_age_seconds"] <= 5


def test_prices_with_a_watch_key(deployed: Deployed) -> None:
    response = deployed.request("GET", "/v1/prices", "symbols=BTC,ETH", key=deployed.watch_key)

    assert response["statusCode"] == 200, response["body"]
    body = json_body(response)
    assert body["c"] == "usd"
    assert body["p"] == {"BTC": [97123.5, -1.23], "ETH": [3456.79, 0.85]}
    headers = response["headers"]
    assert headers["ratelimit-limit"] == "100"
    assert headers["ratelimit-remaining"] == "99"
    assert "etag" in headers and "max-age" in headers["cache-control"]


def test_the_etag_saves_the_body_on_the_next_glance(deployed: Deployed) -> None:
    first = deployed.request("GET", "/v1/prices/btc", key=deployed.watch_key)

    again = deployed.request(
        "GET", "/v1/prices/btc", key=deployed.watch_key, headers={"If-None-Match": first["headers"]["etag"]}
    )

    assert again["statusCode"] == 304
    assert again.get("body", "") == ""


def test_bearer_authorization_is_accepted_too(deployed: Deployed) -> None:
    response = deployed.request(
        "GET", "/v1/prices", "symbols=SOL", headers={"Authorization": f"Bearer {deployed.watch_key}"}
    )

    assert response["statusCode"] == 200
    assert json_body(response)["p"] == {"SOL": [245.123, 3.1]}


@pytest.mark.parametrize(
    ("path", "key", "status", "code"),
    [
        ("/v1/prices", None, 401, "missing_key"),
        ("/v1/prices", "cw_" + "x" * 32, 401, "unknown_key"),
        ("/v1/nowhere", "watch", 404, "not_found"),
        ("/admin/users", "watch", 403, "insufficient_scope"),
    ],
)
def test_errors_are_json_with_a_code(deployed: Deployed, path: str, key: str | None, status: int, code: str) -> None:
    response = deployed.request("GET", path, key=deployed.watch_key if key == "watch" else key)

    assert response["statusCode"] == status
    assert json_body(response)["error"] == code


def test_an_export_lands_in_s3_and_its_url_downloads_it(deployed: Deployed) -> None:
    at = now()
    response = deployed.request(
        "POST", "/admin/exports", key=deployed.admin_key, body={"symbols": ["BTC"], "start": at - 3600, "end": at}
    )

    assert response["statusCode"] == 201, response["body"]
    created = json_body(response)
    assert created["message"] == "Export successful"
    assert created["file_key"].startswith("exports/crypto_") and created["file_key"].endswith(".json")
    download = httpx.get(created["url"], timeout=10)
    assert download.status_code == 200
    rows = orjson.loads(download.content)
    assert [(r["symbol"], r["name"], r["price"]) for r in rows] == [("BTC", "Bitcoin", 97123.4567)] * 2
    assert len(rows) == created["records"]
    listed = json_body(deployed.request("GET", "/admin/exports", key=deployed.admin_key))
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    url = listed["items"][0]["url"]
    assert f"/{deployed.bucket}/{created['file_key']}?" in url and "X-Amz-Signature=" in url


def test_one_instance_serves_many_invocations(deployed: Deployed) -> None:
    """The app is built once per execution environment; the store is not closed between
    invocations (mangum's lifespan is off)."""
    statuses = [
        deployed.request("GET", "/v1/prices", "symbols=BTC", key=deployed.watch_key)["statusCode"] for _ in range(5)
    ]

    assert statuses == [200] * 5
    usage = deployed.store.usage_for_day(utc_day(now()))
    assert [u.requests for u in usage] == [5]


def test_a_warm_watch_request_costs_one_update_item(deployed: Deployed) -> None:
    """The design's hot-path budget, counted on the function's own DynamoDB client: once an
    instance's first requests have filled its key, price and history caches, a watch request
    is the rate-limit hit alone, a 304 included."""
    key = deployed.watch_key
    paths = {"prices": ("/v1/prices", "symbols=BTC,ETH"), "one price": ("/v1/prices/BTC", ""),
             "history": ("/v1/history/BTC", "")}  # fmt: skip
    warm_up = {kind: deployed.request("GET", path, query, key=key) for kind, (path, query) in paths.items()}
    assert {kind: r["statusCode"] for kind, r in warm_up.items()} == dict.fromkeys(paths, 200)
    conditional = {"If-None-Match": warm_up["one price"]["headers"]["etag"]}
    requests = {kind: (path, query, {}) for kind, (path, query) in paths.items()}
    requests["304"] = (*paths["one price"], conditional)
    store = deployed.function.services.store  # type: ignore[attr-defined]
    seen: dict[str, tuple[int, list[str]]] = {}
    for kind, (path, query, headers) in requests.items():
        with api_calls(store) as calls:
            status = deployed.request("GET", path, query, key=key, headers=headers)["statusCode"]
        seen[kind] = (status, calls)

    assert seen == {
        "prices": (200, ["UpdateItem"]), "one price": (200, ["UpdateItem"]),
        "history": (200, ["UpdateItem"]), "304": (304, ["UpdateItem"]),
    }  # fmt: skip
