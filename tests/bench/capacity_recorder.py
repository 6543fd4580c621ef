"""A botocore-level recorder of DynamoDB capacity: which partition key of the table or of an
index each call read or wrote, and how many units DynamoDB said it consumed.

Attached to a real store's client (its botocore event hooks), it asks every call for
`ReturnConsumedCapacity=INDEXES` and files the units DynamoDB returns under partition keys: the
table's from the request's keys; an index's from the request's key condition (a Query) or, for
a write, from the item's `gsi1pk` before and after the call, read with a client of its own that
is not recorded. A call touching several partitions (a transaction, a batch, a write moving an
item between index partitions) splits its units evenly among them: DynamoDB reports units per
table and index, not per partition.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shared.store import dynamodb_layout as L
from shared.store.dynamodb import DynamoStore

#: Operations that accept ReturnConsumedCapacity (the rest, DescribeTable..., consume nothing).
_CAPACITY_OPERATIONS = frozenset(
    {
        "GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchWriteItem",
        "TransactWriteItems",
    }
)
_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
_EQUALS = re.compile(r"(#\w+) = (:\w+)")
TABLE = "table"
INDEX_NAMES = (L.INDEX,)


@dataclass
class Usage:
    """Units per (where, partition key): `where` is "table" or an index name."""

    read: Counter[tuple[str, str]] = field(default_factory=Counter)
    write: Counter[tuple[str, str]] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)

    def add(self, other: Usage, scale: float = 1.0) -> None:
        for mine, theirs in ((self.read, other.read), (self.write, other.write)):
            for where, units in theirs.items():
                mine[where] += units * scale
        for name, n in other.calls.items():
            self.calls[name] += n

    def totals(self, where: str) -> tuple[float, float]:
        """(read units, write units) on the table or on one index."""
        read = sum(u for (w, _), u in self.read.items() if w == where)
        write = sum(u for (w, _), u in self.write.items() if w == where)
        return read, write


class CapacityRecorder:
    """Record every call of `store`'s client into `usage` while attached."""

    def __init__(self, store: DynamoStore) -> None:
        self.usage = Usage()
        self._store = store
        self._lock = threading.Lock()
        self._pending = threading.local()
        import boto3

        client = store.client
        self._reader = boto3.client(
            "dynamodb", endpoint_url=client.meta.endpoint_url, region_name=client.meta.region_name
        )

    def take(self) -> Usage:
        """What was recorded since the last take."""
        with self._lock:
            taken, self.usage = self.usage, Usage()
        return taken

    # --- hooks -----------------------------------------------------------------------------
    def __enter__(self) -> CapacityRecorder:
        events = self._store.client.meta.events
        events.register("provide-client-params.dynamodb.*", self._before)
        events.register("after-call.dynamodb.*", self._after)
        return self

    def __exit__(self, *exc: object) -> None:
        events = self._store.client.meta.events
        events.unregister("provide-client-params.dynamodb.*", self._before)
        events.unregister("after-call.dynamodb.*", self._after)
        self._reader.close()

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        """Ask for the units, and note the index partitions of what the call will write."""
        if model.name in _CAPACITY_OPERATIONS:
            params["ReturnConsumedCapacity"] = "INDEXES"
        keys = list(_written_keys(model.name, params)) if model.name in _WRITES else []
        self._pending.call = (model.name, params, keys, [self._index_pk(k) for k in keys])

    def _after(self, model: Any, parsed: dict[str, Any], **_: Any) -> None:
        name, params, keys, old_index = self._pending.call
        consumed = parsed.get("ConsumedCapacity")
        if isinstance(consumed, dict):
            consumed = [consumed]
        usage = Usage()
        usage.calls[name] += 1
        for capacity in consumed or []:
            if name in _WRITES:
                self._file_write(usage, name, params, keys, old_index, capacity)
            else:
                self._file_read(usage, params, capacity)
        with self._lock:
            self.usage.add(usage)

    # --- attribution -------------------------------------------------------------------------
    def _file_write(
        self, usage: Usage, name: str, params: dict[str, Any], keys: list[dict[str, Any]],
        old_index: list[str | None], capacity: dict[str, Any],
    ) -> None:  # fmt: skip
        table_units = capacity.get("Table", {}).get("CapacityUnits", capacity.get("CapacityUnits", 0.0))
        _spread(usage.write, TABLE, [k["pk"]["S"] for k in keys], table_units)
        new_index = [self._index_pk(k) for k in keys]
        for index, units in _index_units(capacity):
            partitions = {p for pair in zip(old_index, new_index, strict=True) for p in pair if p}
            _spread(usage.write, index, sorted(partitions), units)

    def _file_read(self, usage: Usage, params: dict[str, Any], capacity: dict[str, Any]) -> None:
        if "Key" in params:  # GetItem
            _spread(usage.read, TABLE, [params["Key"]["pk"]["S"]], capacity.get("CapacityUnits", 0.0))
            return
        if "RequestItems" in params:  # BatchGetItem, one table
            keys = [key["pk"]["S"] for request in params["RequestItems"].values() for key in request["Keys"]]
            _spread(usage.read, TABLE, keys, capacity.get("CapacityUnits", 0.0))
            return
        index = params.get("IndexName")
        where = index or TABLE
        units = (capacity.get("GlobalSecondaryIndexes", {}).get(index, {}).get("CapacityUnits")
                 if index else capacity.get("Table", {}).get("CapacityUnits"))  # fmt: skip
        if units is None:
            units = capacity.get("CapacityUnits", 0.0)
        _spread(usage.read, where, [_query_partition(params)], units)

    def _index_pk(self, key: dict[str, Any]) -> str | None:
        """The item's gsi1 partition now (None when absent or not in the index)."""
        item = self._reader.get_item(
            TableName=self._store.table_name, Key=key, ConsistentRead=True, ProjectionExpression="gsi1pk"
        ).get("Item")
        return item["gsi1pk"]["S"] if item and "gsi1pk" in item else None


def _written_keys(name: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The primary keys a write touches."""
    if name == "TransactWriteItems":
        for entry in params["TransactItems"]:
            request = next(iter(entry.values()))
            yield _primary(request.get("Key") or request["Item"])
    elif name == "BatchWriteItem":
        for requests in params["RequestItems"].values():
            for request in requests:
                body = request.get("PutRequest") or request["DeleteRequest"]
                yield _primary(body.get("Item") or body["Key"])
    else:
        yield _primary(params.get("Key") or params["Item"])


def _primary(item: dict[str, Any]) -> dict[str, Any]:
    return {"pk": item["pk"], "sk": item["sk"]}


def _index_units(capacity: dict[str, Any]) -> Iterator[tuple[str, float]]:
    for index, units in capacity.get("GlobalSecondaryIndexes", {}).items():
        yield index, units.get("CapacityUnits", 0.0)


def _query_partition(params: dict[str, Any]) -> str:
    """The partition a Query reads: the value its key condition sets pk (or gsi1pk) equal to."""
    names = params.get("ExpressionAttributeNames", {})
    for name, value in _EQUALS.findall(params["KeyConditionExpression"]):
        if names.get(name) in ("pk", "gsi1pk"):
            partition: str = params["ExpressionAttributeValues"][value]["S"]
            return partition
    raise ValueError(f"no partition key in {params['KeyConditionExpression']!r}")


def _spread(counter: Counter[tuple[str, str]], where: str, partitions: list[str], units: float) -> None:
    if not partitions or not units:
        return
    for partition in partitions:
        counter[(where, partition)] += units / len(partitions)
