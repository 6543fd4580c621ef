"""Store calls per watch request, cold and warm, on SQLite and on DynamoDB Local; and the
monthly upstream calls of a five-minute cycle beside CoinGecko's Demo allowance.

    python -m tests.bench.store_calls [--requests 50]

The real app runs under uvicorn on 127.0.0.1 with its store wrapped in a counting proxy (every
Store method call is one count, what the design's hot-path budget counts). On DynamoDB Local
the DynamoDB API calls are counted too, with botocore's `before-call` event hook, since a store
method could make more than one. Cold: the first request of a fresh process (empty key and
price caches). Warm: every later request inside the caches' TTL (30 s by default).
DynamoDB Local comes from `.ci/dynamodb-local.sh`; without Java or the jar that half is skipped
with the reason.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from shared.config import DEFAULT_SYMBOLS, Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope, UpdateStatus
from shared.store.base import Store
from shared.store.sqlite import SQLiteStore
from shared.symbols import coingecko_ids
from tests.conftest import settings_for
from tests.support.dynamodb_local import DUMMY_AWS_ENV, DynamoDBLocal, before_each_call, missing_reason, new_store
from tests.support.server import serve
from updater.sources.coingecko import batches

WATCH_REQUESTS = {
    "prices, 3 symbols": ("/v1/prices?symbols=BTC,ETH,SOL", False),
    "prices, 304": ("/v1/prices?symbols=BTC,ETH,SOL", True),
    "one price": ("/v1/prices/BTC", False),
    "history": ("/v1/history/BTC", False),
}
CYCLE_SECONDS = 300
#: CoinGecko's Demo plan: 10,000 calls a month and 100 a minute. Sources: the monthly figure from
#: the CoinGecko rate-limit profile at rate-limits.apis.io (which cites coingecko.com/en/api/pricing);
#: the per-minute one from docs.coingecko.com/docs/errors-and-rate-limits.
DEMO_MONTHLY_CALLS = 10_000
DEMO_CALLS_PER_MINUTE = 100


class CountingStore:
    """Any store, with every method call counted by name."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.calls: Counter[str] = Counter()

    def close(self) -> None:
        """Kept open across the app instances the bench starts (each closes its store on
        shutdown): a closed DynamoStore would make a new client, without the counting hook."""

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted


@dataclass(frozen=True)
class Measured:
    store_calls: Counter[str]
    api_calls: Counter[str] | None  # DynamoDB operations; None on SQLite


def seed(store: Store) -> str:
    at = now()
    store.put_prices([PricePoint(s, "usd", 100.0 + i, 1.0, at, "bench") for i, s in enumerate(DEFAULT_SYMBOLS)])
    store.record_update(UpdateStatus(True, "bench", at, at, len(DEFAULT_SYMBOLS), last_success_at=at))
    return issue_key(store, Scope.WATCH, at, rate_limit=10**6).secret


def measure(
    settings: Settings, store: Store, key: str, requests: int, api_counter: Callable[[], Counter[str]] | None
) -> dict[str, list[Measured]]:
    """Per request kind: the calls of a cold first request, then of each warm one."""
    results: dict[str, list[Measured]] = {}
    for kind, (path, conditional) in WATCH_REQUESTS.items():
        counting = CountingStore(store)
        with serve(create_app(settings, counting, init_store=False)) as server:  # type: ignore[arg-type]
            with httpx.Client(base_url=server.url, headers={"X-API-Key": key}) as client:
                etag = client.get(path).headers["etag"] if conditional else None
                counting.calls.clear()
                runs = []
                for _ in range(1 if conditional else requests):
                    before_api = api_counter() if api_counter else None
                    counting.calls.clear()
                    headers = {"If-None-Match": etag} if etag else {}
                    response = client.get(path, headers=headers)
                    assert response.status_code == (304 if conditional else 200), response.text
                    after_api = api_counter() if api_counter else None
                    api = after_api - before_api if after_api is not None and before_api is not None else None
                    runs.append(Measured(Counter(counting.calls), api))
                results[kind] = runs
    return results


def table(backend: str, results: dict[str, list[Measured]]) -> list[str]:
    lines = []
    for kind, runs in results.items():
        phases = [("warm", runs)] if kind == "prices, 304" else [("cold", runs[:1]), ("warm", runs[1:])]
        for phase, chosen in phases:
            most = max(chosen, key=lambda m: sum(m.store_calls.values()))
            calls = ", ".join(f"{name} {n}" for name, n in sorted(most.store_calls.items()))
            api = "-" if most.api_calls is None else str(sum(most.api_calls.values()))
            worst = max(sum(m.store_calls.values()) for m in chosen)
            lines.append(f"{backend:<9} {kind:<18} {phase:<5} {len(chosen):>5} {worst:>11} {api:>9}   {calls}")
    return lines


@contextlib.contextmanager
def dynamodb() -> Iterator[tuple[Store, Callable[[], Counter[str]]] | str]:
    """A DynamoStore on a table of its own in a DynamoDB Local started here, with a counter of
    its API calls; or why it cannot run."""
    reason = missing_reason()
    if reason:
        yield reason
        return
    os.environ.update({k: v for k, v in DUMMY_AWS_ENV.items() if k not in os.environ})
    with DynamoDBLocal.start() as local:
        store = new_store(local.endpoint)
        seen: Counter[str] = Counter()

        def record(model: Any, **_: Any) -> None:
            seen[model.name] += 1

        try:
            with before_each_call(store, record):
                yield store, lambda: Counter(seen)
        finally:
            store.close()


def upstream_budget() -> list[str]:
    calls_per_cycle = len(list(batches(list(coingecko_ids(DEFAULT_SYMBOLS).values()))))
    per_day = 86_400 // CYCLE_SECONDS * calls_per_cycle
    low, high = per_day * 30, per_day * 31
    return [
        f"upstream: {calls_per_cycle} CoinGecko call per {CYCLE_SECONDS // 60}-minute cycle for "
        f"{len(DEFAULT_SYMBOLS)} symbols (one batched /simple/price), {per_day} a day",
        f"  {low:,}-{high:,} a month (30-31 days) = {low / DEMO_MONTHLY_CALLS:.1%}-{high / DEMO_MONTHLY_CALLS:.1%} "
        f"of the Demo plan's {DEMO_MONTHLY_CALLS:,}; {calls_per_cycle} a minute at most against its "
        f"{DEMO_CALLS_PER_MINUTE}/min",
        f"  headroom: {DEMO_MONTHLY_CALLS - high:,} calls in a 31-day month for retries (a cycle retries at most "
        f"3 times) and manual `cryptowatch update --once` runs",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50, help="requests per kind (the first is cold)")
    args = parser.parse_args()
    columns = f"{'backend':<9} {'request':<18} {'phase':<5} {'count':>5} {'store calls':>11} {'API calls':>9}"
    lines = [columns + "   by method"]
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_for(Path(folder))
        store = SQLiteStore(settings.sqlite_path)
        store.init()
        key = seed(store)
        lines += table("sqlite", measure(settings, store, key, args.requests, None))
        with dynamodb() as found:
            if isinstance(found, str):
                lines.append(f"dynamodb  skipped: {found}")
            else:
                dynamo, api_calls = found
                lines += table("dynamodb", measure(settings, dynamo, seed(dynamo), args.requests, api_calls))
    lines.append("store calls = the most any single request of that phase made; target: at most 1 when warm")
    lines += upstream_budget()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
