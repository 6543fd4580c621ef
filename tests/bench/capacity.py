"""Capacity units per watch request on DynamoDB Local, before and after the rate-limit windows
left gsi1, side by side.

    python -m tests.bench.capacity [--requests 20]

The real app runs under uvicorn on 127.0.0.1 over a DynamoStore whose client carries the
botocore recorder of `capacity_recorder.py` (every call asks `ReturnConsumedCapacity=INDEXES`).
"before" is the same store with `hit()` as it was: the window indexed under `USAGE#<day>` in gsi1
(projection ALL), so every count also wrote the index. Warm = every request after the first of
its kind (key and price caches filled); the figure is the mean over those requests.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import httpx

from api.app import create_app
from shared.config import Settings
from shared.ids import utc_day
from shared.store import dynamodb_layout as L
from shared.store.dynamodb import DynamoStore
from shared.store.dynamodb_codec import epoch_key
from shared.store.dynamodb_expr import Expr
from tests.bench.capacity_recorder import INDEX_NAMES, TABLE, CapacityRecorder, Usage
from tests.bench.store_calls import WATCH_REQUESTS, seed
from tests.conftest import settings_for
from tests.support.dynamodb_local import DUMMY_AWS_ENV, DynamoDBLocal, fresh_table_name
from tests.support.server import serve

WHERE = (TABLE, *INDEX_NAMES)


class IndexedWindows(DynamoStore):
    """The store as it was before: each window also listed in gsi1 under its UTC day."""

    def hit(self, key_id: str, window_start: int, limit: int, ttl_seconds: int) -> int:
        e = Expr().add("count", 1)
        e.set("lim", limit).set("key_id", key_id).set("window_start", window_start)
        e.set(L.TTL_ATTRIBUTE, window_start + ttl_seconds)
        e.set("gsi1pk", f"USAGE#{utc_day(window_start)}")
        e.set("gsi1sk", f"{key_id}#{epoch_key(window_start)}")
        response = self._db.call(
            "update_item", Key=L.key(f"KEY#{key_id}", f"RL#{epoch_key(window_start)}"),
            ReturnValues="UPDATED_NEW", **e.params(),
        )  # fmt: skip
        return int(response["Attributes"]["count"]["N"])


def warm_units(settings: Settings, store: DynamoStore, requests: int) -> dict[str, Usage]:
    """Per request kind, the mean units of its warm requests."""
    key = seed(store)
    results: dict[str, Usage] = {}
    with CapacityRecorder(store) as recorder, serve(create_app(settings, store, init_store=False)) as server:
        with httpx.Client(base_url=server.url, headers={"X-API-Key": key}) as client:
            for kind, (path, conditional) in WATCH_REQUESTS.items():
                etag = client.get(path).headers["etag"]  # the cold first request of its kind
                recorder.take()
                headers = {"If-None-Match": etag} if conditional else {}
                for _ in range(requests):
                    response = client.get(path, headers=headers)
                    assert response.status_code == (304 if conditional else 200), response.text
                mean = Usage()
                mean.add(recorder.take(), 1 / requests)
                results[kind] = mean
    return results


def row(kind: str, before: Usage, after: Usage) -> str:
    cells = []
    for usage in (before, after):
        for where in WHERE:
            read, write = usage.totals(where)
            cells.append(f"{write:>9.2f} {read:>6.2f}")
    return f"{kind:<18} " + "   ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20, help="warm requests per kind")
    args = parser.parse_args()
    os.environ.update({k: v for k, v in DUMMY_AWS_ENV.items() if k not in os.environ})
    with tempfile.TemporaryDirectory() as folder, DynamoDBLocal.start() as local:
        settings = settings_for(Path(folder))
        measured = []
        for cls in (IndexedWindows, DynamoStore):
            store = cls(fresh_table_name(), endpoint_url=local.endpoint)
            store.init()
            measured.append(warm_units(settings, store, args.requests))
            store.close()
    places = "   ".join(f"{where + ' WCU':>9} {'RCU':>6}" for where in WHERE)
    print(f"{'':<18} {'before (windows in gsi1)':<{len(places)}}   after (windows in day shards)")
    print(f"{'request (warm)':<18} {places}   {places}")
    for kind in WATCH_REQUESTS:
        print(row(kind, measured[0][kind], measured[1][kind]))
    print("units per request, mean of the warm requests; target: at most 1 write unit in all")


if __name__ == "__main__":
    main()
