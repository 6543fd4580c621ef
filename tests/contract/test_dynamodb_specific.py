"""What only the DynamoDB backend has to prove: the hot path is one API call, an unreachable or
throttled service is StoreUnavailable (fast, with bounded retries), the table is made once with
its index and TTL, counting is exact across processes, and numbers survive the Decimal trip.

Everything runs against the genuine DynamoDB Local; the throttling case uses a loopback HTTP
server that answers like a throttled DynamoDB, because DynamoDB Local never throttles.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.errors import ConfigError, InvalidInput, StoreUnavailable
from shared.ids import new_id, utc_day
from shared.models import PricePoint
from shared.ratelimit import RateLimiter
from shared.store import dynamodb_layout as L
from shared.store.dynamodb import DynamoStore
from shared.store.dynamodb_client import MAX_ATTEMPTS
from tests.contract import builders
from tests.contract.builders import NOW
from tests.support.dynamodb_local import api_calls, before_each_call, fresh_store, fresh_table_name

pytestmark = pytest.mark.dynamodb


@pytest.fixture
def dynamo(dynamodb_local: str) -> Iterator[DynamoStore]:
    with fresh_store(dynamodb_local) as store:
        yield store


# --- the hot path --------------------------------------------------------------------------
def test_a_rate_limit_hit_is_exactly_one_update_item(dynamo: DynamoStore) -> None:
    limiter = RateLimiter(dynamo, default_limit=2)
    with api_calls(dynamo) as calls:
        decisions = [limiter.check("key_watch", None, NOW) for _ in range(3)]

    assert calls == ["UpdateItem"] * 3
    assert [d.allowed for d in decisions] == [True, True, False]


def test_a_key_lookup_by_hash_is_one_get_item(dynamo: DynamoStore) -> None:
    key = dynamo.create_key(builders.key())

    with api_calls(dynamo) as calls:
        found = dynamo.find_key_by_hash(key.key_hash)

    assert found == key
    assert calls == ["GetItem"]


def test_a_key_lookup_reads_eventually_consistent_and_a_miss_again_consistently(dynamo: DynamoStore) -> None:
    key = dynamo.create_key(builders.key())
    consistent: list[bool] = []

    def note(params: dict[str, object], **_: object) -> None:
        consistent.append(bool(params.get("ConsistentRead")))

    events = dynamo.client.meta.events
    events.register("provide-client-params.dynamodb.GetItem", note)
    try:
        assert dynamo.find_key_by_hash(key.key_hash) == key
        assert dynamo.find_key_by_hash("sha256:nothing") is None
    finally:
        events.unregister("provide-client-params.dynamodb.GetItem", note)

    assert consistent == [False, False, True]  # found on the first read; a miss reads twice


def test_a_store_on_an_injected_client_uses_it_and_leaves_it_open(dynamo: DynamoStore) -> None:
    borrowed = DynamoStore(dynamo.table_name, client=dynamo.client)

    assert borrowed.hit("key_a", NOW, 100, 60) == 1
    borrowed.close()

    assert dynamo.hit("key_a", NOW, 100, 60) == 2


# --- when the service cannot answer --------------------------------------------------------
def closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens on it once the socket is closed


# These take `dynamodb_local` for its dummy credentials: without any, botocore would fail on
# signing before it ever tried the network.
def test_building_a_store_touches_no_network(dynamodb_local: str) -> None:
    started = time.monotonic()

    DynamoStore("cw-nowhere", endpoint_url=f"http://127.0.0.1:{closed_port()}")

    assert time.monotonic() - started < 0.5


def test_an_unreachable_endpoint_is_store_unavailable_within_seconds(dynamodb_local: str) -> None:
    store = DynamoStore("cw-unreachable", endpoint_url=f"http://127.0.0.1:{closed_port()}")
    started = time.monotonic()

    with pytest.raises(StoreUnavailable) as raised:
        store.hit("key_a", NOW, 100, 60)

    assert time.monotonic() - started < 10
    assert raised.value.status == 503 and 0 < raised.value.retry_after <= 30
    with pytest.raises(StoreUnavailable):
        store.ping()


class _Refusing(BaseHTTPRequestHandler):
    """Answers every request as a DynamoDB that refuses it with `server.error` (type, status)."""

    def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1  # type: ignore[attr-defined]
        kind, status = self.server.error  # type: ignore[attr-defined]
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{kind}", "message": kind})
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def refusing_dynamodb(kind: str, status: int) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    server.requests = 0  # type: ignore[attr-defined]
    server.error = (kind, status)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("ProvisionedThroughputExceededException", 400),
        ("ThrottlingException", 400),
        ("RequestLimitExceeded", 400),
        ("InternalServerError", 500),
    ],
)
def test_throttling_and_server_errors_are_retried_a_bounded_number_of_times_then_unavailable(
    dynamodb_local: str, kind: str, status: int
) -> None:
    with refusing_dynamodb(kind, status) as server:
        port = server.server_address[1]
        store = DynamoStore("cw-busy", endpoint_url=f"http://127.0.0.1:{port}")
        started = time.monotonic()

        with pytest.raises(StoreUnavailable) as raised:
            store.hit("key_a", NOW, 100, 60)

        assert time.monotonic() - started < 10
        assert server.requests == MAX_ATTEMPTS  # type: ignore[attr-defined]
        assert kind in raised.value.message


# --- the table -----------------------------------------------------------------------------
def test_init_makes_the_table_with_its_index_and_ttl_and_can_run_again(dynamo: DynamoStore) -> None:
    dynamo.init()
    dynamo.init()

    table = dynamo.client.describe_table(TableName=dynamo.table_name)["Table"]
    ttl = dynamo.client.describe_time_to_live(TableName=dynamo.table_name)
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    assert [(i["IndexName"], i["Projection"]["ProjectionType"])
            for i in table["GlobalSecondaryIndexes"]] == [("gsi1", "ALL")]  # fmt: skip
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert ttl["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}


def test_init_refuses_a_table_laid_out_for_something_else(dynamo: DynamoStore) -> None:
    foreign = fresh_table_name()
    dynamo.client.create_table(
        TableName=foreign,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    try:
        with pytest.raises(ConfigError, match="gsi1"):
            DynamoStore(foreign, endpoint_url=dynamo.client.meta.endpoint_url).init()
    finally:
        dynamo.client.delete_table(TableName=foreign)


def test_windows_and_history_points_carry_their_expiry(dynamo: DynamoStore) -> None:
    dynamo.hit("key_a", NOW, 100, ttl_seconds=3600)
    dynamo.put_prices([PricePoint("BTC", "usd", 97_000.0, None, NOW, "coingecko")])

    items = dynamo.client.scan(TableName=dynamo.table_name)["Items"]
    expiry = {item["pk"]["S"]: int(item["ttl"]["N"]) for item in items if "ttl" in item}

    assert expiry == {
        L.usage_pk(utc_day(NOW), L.usage_shard("key_a")): NOW + 3600,
        "HIST#BTC#usd": NOW + dynamo.history_retention_seconds,
    }


def test_history_older_than_the_retention_is_hidden_before_ttl_deletes_it(
    dynamodb_local: str,
) -> None:
    with fresh_store(dynamodb_local, history_retention_seconds=3600) as store:
        old = PricePoint("BTC", "usd", 90_000.0, None, NOW - 7200, "coingecko")
        new = PricePoint("BTC", "usd", 97_000.0, None, NOW, "coingecko")
        store.put_prices([old, new])

        assert store.price_history("BTC", "usd", 0, NOW) == [new]


def test_a_cursor_this_store_did_not_make_is_invalid_input(dynamo: DynamoStore) -> None:
    with pytest.raises(InvalidInput):
        dynamo.list_users(10, cursor="%%%not-a-cursor")


# --- price writes --------------------------------------------------------------------------
def prices_at(at: int, pairs: int = 30) -> list[PricePoint]:
    """More pairs than one BatchWriteItem holds (25)."""
    return [PricePoint(f"C{i:02d}", "usd", 100.0 + i, None, at, "coingecko") for i in range(pairs)]


def test_latest_prices_are_one_item_written_after_the_history(dynamo: DynamoStore) -> None:
    with api_calls(dynamo) as calls:
        dynamo.put_prices(prices_at(NOW))

    assert calls == ["BatchWriteItem", "BatchWriteItem", "GetItem", "PutItem"]
    with api_calls(dynamo) as calls:
        assert {p.updated_at for p in dynamo.latest_prices()} == {NOW}
    assert calls == ["GetItem"]


def test_a_price_write_that_fails_half_way_leaves_every_latest_price_as_it_was(dynamo: DynamoStore) -> None:
    from botocore.exceptions import EndpointConnectionError

    dynamo.put_prices(prices_at(NOW - 300))

    def fail_the_latest(model: object, **_: object) -> None:
        if model.name == "PutItem":  # type: ignore[attr-defined]
            raise EndpointConnectionError(endpoint_url="http://dynamodb")

    with before_each_call(dynamo, fail_the_latest), pytest.raises(StoreUnavailable):
        dynamo.put_prices(prices_at(NOW))

    assert {p.updated_at for p in dynamo.latest_prices()} == {NOW - 300}
    assert [p.updated_at for p in dynamo.price_history("C00", "usd", 0, NOW)] == [NOW - 300, NOW]


def test_a_writer_that_raced_another_merges_again_and_keeps_the_newest(
    dynamo: DynamoStore, dynamodb_local: str
) -> None:
    other = DynamoStore(dynamo.table_name, endpoint_url=dynamodb_local)
    late = PricePoint("BTC", "usd", 96_000.0, None, NOW + 60, "binance")
    raced: list[bool] = []

    def write_in_between(model: object, **_: object) -> None:
        if model.name == "PutItem" and not raced:  # type: ignore[attr-defined]
            raced.append(True)
            other.put_prices([late])

    try:
        with before_each_call(dynamo, write_in_between):
            dynamo.put_prices(prices_at(NOW, pairs=2) + [PricePoint("BTC", "usd", 97_000.0, None, NOW, "coingecko")])
    finally:
        other.close()

    assert [(p.symbol, p.updated_at) for p in dynamo.latest_prices()] == [("BTC", NOW + 60), ("C00", NOW), ("C01", NOW)]


def test_a_record_that_changes_partition_while_it_is_listed_is_listed_once(
    dynamo: DynamoStore, dynamodb_local: str
) -> None:
    """A listing of every status reads one index partition per status: a notification sent by
    another process between two of those reads is in both, and must still be listed once."""
    outgoing = builders.pending_notification(dynamo)
    other = DynamoStore(dynamo.table_name, endpoint_url=dynamodb_local)
    queries: list[str] = []

    def send_in_between(model: object, **_: object) -> None:
        if model.name == "Query":  # type: ignore[attr-defined]
            queries.append("Query")
            if len(queries) == 2:  # the pending partition has been read, the sent one not yet
                other.complete_notification(outgoing.id, NOW)

    try:
        with before_each_call(dynamo, send_in_between):
            listed = dynamo.list_notifications()
    finally:
        other.close()

    assert [n.id for n in listed.items] == [outgoing.id]


# --- numbers -------------------------------------------------------------------------------
in_dynamodb_range = st.floats(min_value=-1e12, max_value=1e12).filter(lambda x: x == 0 or abs(x) >= 1e-130)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    price=st.floats(min_value=1e-12, max_value=1e12),
    change=st.none() | in_dynamodb_range,
)
def test_every_float_reads_back_exactly(dynamo: DynamoStore, price: float, change: float | None) -> None:
    point = PricePoint("BTC", "usd", price, change, NOW, "coingecko")
    dynamo.put_prices([point])

    assert dynamo.latest_prices() == [point]


def test_a_number_too_small_for_dynamodb_is_stored_as_zero(dynamo: DynamoStore) -> None:
    dynamo.put_prices([PricePoint("BTC", "usd", 97_000.0, 5e-324, NOW, "coingecko")])

    assert [p.change_24h for p in dynamo.latest_prices()] == [0.0]


@pytest.mark.parametrize("price", [float("nan"), float("inf"), 1e200])
def test_a_price_dynamodb_cannot_hold_is_refused_and_nothing_is_written(dynamo: DynamoStore, price: float) -> None:
    with pytest.raises(InvalidInput):
        dynamo.put_prices([PricePoint("BTC", "usd", price, None, NOW, "coingecko")])

    assert dynamo.latest_prices() == []


# --- exact counting across processes -------------------------------------------------------
def _hit_many(table: str, endpoint: str, key_id: str, window: int, times: int) -> list[int]:
    """Runs in a child process: its own store, its own client, its own connections."""
    store = DynamoStore(table, endpoint_url=endpoint)
    try:
        return [store.hit(key_id, window, 100, 3600) for _ in range(times)]
    finally:
        store.close()


def test_hits_from_several_processes_are_counted_exactly(dynamo: DynamoStore, dynamodb_local: str) -> None:
    processes, per_process = 4, 40
    key_id = new_id("key")
    args = [(dynamo.table_name, dynamodb_local, key_id, NOW, per_process)] * processes

    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.starmap(_hit_many, args, chunksize=1)

    total = processes * per_process
    assert sorted(c for counts in results for c in counts) == list(range(1, total + 1))
    assert all(counts == sorted(counts) for counts in results)
    usage = dynamo.key_usage(key_id, utc_day(NOW))
    assert (usage.requests, usage.rejected, usage.last_used_at) == (total, total - 100, NOW)
