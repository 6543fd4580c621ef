"""Partition heat at scale: the busiest partition keys of the table and of gsi1, in write and
read units a second, for a fleet of watches polling every five minutes.

    python -m tests.bench.partition_heat --watches 1000000 [--sample 1000] [--instances N]

The real app and the real store code run on DynamoDB Local with the botocore recorder of
`capacity_recorder.py`, which files the units DynamoDB reports under the partition keys each
call touched. A sample of watches (each with its own user and key, a fifth with an alert) makes
one poll each, as in one five-minute period, split among MIX's kinds in their shares (each kind
at least once); the operator's companion and a health monitor make ADMIN's requests; the
updater runs one real cycle (demo source). Then:

- watch traffic: a partition key only one sample watch touched is that watch's own (its key,
  its user): each real watch has its own, as busy as the sample's. Any other is shared by all
  of them: a kind's units there times (its share x watches) / (its polls in the sample);
- the updater: one cycle a period; its gsi1 units (the active-alert and outbox listings, which
  grow with the number of watches) times watches/sample, its table units (prices, status) as
  they are;
- each API instance refills its price cache every CACHE_TTL_SECONDS (the latest prices, the
  status and a sparkline's history): those calls' units times the instances, whose number is
  polls a second x INSTANCE_SECONDS (Little's law) unless given;
- the operator and the monitor: a fixed rate, whatever the number of watches.

A sample of 1,000 keys falls unevenly on the 64 usage shards, a fleet's evenly: the verdict
takes the shards' mean times the busiest shard's share of as many fresh key ids as watches.

`/admin/stats` reads every rate-limit window of the day: a report now and then, not polled, so
not in ADMIN (its cost is in docs/dynamodb.md). Method and results: docs/dynamodb.md,
"Partition heat".
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import boto3
import httpx

from api.app import create_app
from shared.config import Settings
from shared.ids import new_id, now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store import dynamodb_layout as L
from shared.store.dynamodb import DynamoStore
from shared.users import create_user
from tests.bench.capacity_recorder import INDEX_NAMES, TABLE, CapacityRecorder, Usage
from tests.conftest import settings_for
from tests.support.dynamodb_local import DUMMY_AWS_ENV, DynamoDBLocal, new_store
from tests.support.server import serve
from updater.cycle import run_cycle

PERIOD_SECONDS = 300  # a watch polls every five minutes
#: What a watch's poll asks for, and how often (shares add up to 1).
#: A new alert is about one a wearer a week (1 in 2,016 polls).
MIX: dict[str, tuple[float, str, str]] = {
    "prices": (0.55, "GET", "/v1/prices?symbols=BTC,ETH,SOL"),
    "prices, 304": (0.28, "GET", "/v1/prices?symbols=BTC,ETH,SOL"),
    "one price": (0.07, "GET", "/v1/prices/BTC"),
    "history": (0.08, "GET", "/v1/history/BTC"),
    "alerts": (0.0195, "GET", "/v1/alerts"),
    "new alert": (0.0005, "POST", "/v1/alerts"),
}
#: The operator's companion refreshing its screens, and an uptime monitor: requests a period.
ADMIN: dict[str, int] = {"/admin/keys?limit=100": 10, "/admin/alerts?limit=100": 10, "/health": 10}
ALERT_SHARE = 0.2  # of sample watches whose wearer has an active alert
INSTANCE_SECONDS = 0.03  # a warm request's duration on Lambda, for the number of instances
LIMITS = {"write": 1_000, "read": 3_000}  # DynamoDB's per-partition units a second
TARGET = 0.10
USAGE = "USAGE#"  # the rate-limit windows' day shards (shared/store/dynamodb_layout.py)
ALERT = {"symbol": "BTC", "condition": "above", "target": 1e9}  # never fires here


@dataclass
class Heat:
    """Units a second per (table or index, partition key), and what each counts."""

    read: Counter[tuple[str, str]] = field(default_factory=Counter)
    write: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, usage: Usage, scale: float, only: set[tuple[str, str]] | None = None) -> None:
        for mine, theirs in ((self.read, usage.read), (self.write, usage.write)):
            for where, units in theirs.items():
                if only is None or where in only:
                    mine[where] += units * scale


@dataclass
class Sample:
    settings: Settings
    store: DynamoStore
    recorder: CapacityRecorder
    watches: list[str]  # their API keys
    admin: str


def seed(settings: Settings, store: DynamoStore, recorder: CapacityRecorder, size: int) -> Sample:
    """Prices, `size` wearers each with a watch key (a fifth with an alert), an admin key;
    none of it counted."""
    asyncio.run(run_cycle(settings, store, "demo", steps=()))
    at = now()
    admin = issue_key(store, Scope.ADMIN, at).secret
    watches = []
    for i in range(size):
        user = create_user(store, email=f"wearer{i}@example.com", name=f"Wearer {i}")
        watches.append(issue_key(store, Scope.WATCH, at, user_id=user.id, rate_limit=10**6).secret)
    sample = Sample(settings, store, recorder, watches, admin)
    with client(sample) as http:
        for secret in watches[: round(size * ALERT_SHARE)]:
            assert http.post("/v1/alerts", json=ALERT, headers={"X-API-Key": secret}).status_code == 201
    recorder.take()
    return sample


@contextmanager
def client(sample: Sample) -> Iterator[httpx.Client]:
    """A fresh app instance (empty caches) on the sample's store, under uvicorn on loopback."""
    with serve(create_app(sample.settings, sample.store, init_store=False)) as server:
        with httpx.Client(base_url=server.url) as http:
            yield http


def assigned(size: int) -> list[str]:
    """Which kind of poll each sample watch makes: its share of the sample, at least one."""
    kinds: list[str] = []
    for kind, (share, _, _) in MIX.items():
        kinds += [kind] * max(1, round(share * size))
    return kinds


def watch_period(sample: Sample) -> tuple[dict[str, Usage], dict[tuple[str, str], set[int]]]:
    """One poll of each sample watch (the first len(assigned) of them); the units per kind,
    and which watches touched each partition."""
    per_kind: dict[str, Usage] = defaultdict(Usage)
    touched: dict[tuple[str, str], set[int]] = defaultdict(set)
    with client(sample) as http:
        etag = http.get(MIX["prices, 304"][2], headers={"X-API-Key": sample.admin}).headers["etag"]
        sample.recorder.take()  # the instance's cache fill is counted with the instances
        for i, kind in enumerate(assigned(len(sample.watches))):
            _, method, path = MIX[kind]
            secret = sample.watches[i % len(sample.watches)]
            headers = {"X-API-Key": secret, **({"If-None-Match": etag} if kind == "prices, 304" else {})}
            response = http.request(method, path, headers=headers, json=ALERT if method == "POST" else None)
            assert response.status_code in (200, 201, 304), (kind, response.status_code, response.text)
            usage = sample.recorder.take()
            for where in (*usage.read, *usage.write):
                touched[where].add(i % len(sample.watches))
            per_kind[kind].add(usage)
    return per_kind, touched


def instance_refill(sample: Sample) -> Usage:
    """What an instance's price cache reads when it expires: the calls the cold first requests
    make beyond a warm one's (docs/benchmarks.md, store calls)."""
    at = now()
    sample.store.price_snapshot()
    sample.store.price_history("BTC", "usd", at - 86_400, at)
    return sample.recorder.take()


def admin_period(sample: Sample) -> Usage:
    with client(sample) as http:
        for path, times in ADMIN.items():
            for _ in range(times):
                assert http.get(path, headers={"X-API-Key": sample.admin}).status_code == 200
    return sample.recorder.take()


def updater_cycle(sample: Sample) -> Usage:
    asyncio.run(run_cycle(sample.settings, sample.store, "demo"))
    return sample.recorder.take()


def heat_of(args: argparse.Namespace, sample: Sample) -> tuple[Heat, Heat, int]:
    """Units a second per partition; and in all partitions together (each real watch's own
    ones counted), for the cost of a poll."""
    scale = args.watches / len(sample.watches)
    polls_a_second = args.watches / PERIOD_SECONDS
    instances = args.instances or max(1, math.ceil(polls_a_second * INSTANCE_SECONDS))
    heat, spent = Heat(), Heat()
    per_kind, touched = watch_period(sample)
    own = {where for where, who in touched.items() if len(who) == 1}
    counts = Counter(assigned(len(sample.watches)))
    for kind, usage in per_kind.items():
        weight = MIX[kind][0] * args.watches / counts[kind] / PERIOD_SECONDS
        heat.add(usage, 1 / PERIOD_SECONDS, own)
        heat.add(usage, weight, set(touched) - own)
        spent.add(usage, weight)
    fixed = [
        (instance_refill(sample), instances / sample.settings.cache_ttl_seconds),
        (admin_period(sample), 1 / PERIOD_SECONDS),
    ]
    cycle = updater_cycle(sample)
    for usage, rate in fixed:
        heat.add(usage, rate)
        spent.add(usage, rate)
    for where in {*cycle.read, *cycle.write}:
        rate = (scale if where[0] != TABLE else 1) / PERIOD_SECONDS  # listings grow with watches
        heat.add(cycle, rate, {where})
        spent.add(cycle, rate, {where})
    return heat, spent, instances


def report(args: argparse.Namespace, sample_size: int, heat: Heat, spent: Heat, instances: int) -> list[str]:
    lines = [
        f"partition heat at {args.watches:,} watches: sample {sample_size}, one poll each "
        f"{PERIOD_SECONDS // 60} minutes ({args.watches / PERIOD_SECONDS:,.0f} polls/s), {instances} API instances",
    ]
    worst = {"write": 0.0, "read": 0.0}
    for where in (TABLE, *INDEX_NAMES):
        for kind, counter in (("write", heat.write), ("read", heat.read)):
            unit = "WCU/s" if kind == "write" else "RCU/s"
            rows = sorted(((u, pk) for (w, pk), u in counter.items() if w == where), reverse=True)[: args.top]
            lines.append(f"{where}: busiest partition keys by {kind} units ({unit}, % of {LIMITS[kind]:,})")
            for units, pk in rows:
                if not pk.startswith(USAGE):  # the shards' figure is shard_spread's
                    worst[kind] = max(worst[kind], units)
                lines.append(f"  {pk:<40} {units:>10.2f} {units / LIMITS[kind]:>7.2%}")
            if not rows:
                lines.append("  (none)")
    spread, shard = shard_spread(args.watches, heat)
    lines += spread
    worst["write"] = max(worst["write"], shard)
    polls = args.watches / PERIOD_SECONDS
    lines.append(
        f"all traffic, table and index together: {sum(spent.write.values()) / polls:.3f} write units and "
        f"{sum(spent.read.values()) / polls:.3f} read units per watch poll"
    )
    ok = all(worst[k] <= TARGET * LIMITS[k] for k in LIMITS)
    lines.append(
        f"busiest: {worst['write']:.1f} WCU/s ({worst['write'] / LIMITS['write']:.1%}), {worst['read']:.1f} RCU/s "
        f"({worst['read'] / LIMITS['read']:.1%}); target at most {TARGET:.0%} of each: {'met' if ok else 'NOT met'}"
    )
    return lines


def shard_spread(watches: int, heat: Heat) -> tuple[list[str], float]:
    """The busiest usage shard at `watches` keys: the sample's keys fall unevenly on the shards
    (16 a shard on average for 1,000), which the scaled figures above carry, where the fleet's
    spread evenly. So: the shards' mean times the busiest shard's share of `watches` fresh key
    ids, in write units a second."""
    shards = [u for (where, pk), u in heat.write.items() if where == TABLE and pk.startswith(USAGE)]
    if not shards:
        return [], 0.0
    held = Counter(L.usage_shard(new_id("key")) for _ in range(watches))
    busiest = max(held.values()) / (watches / L.USAGE_SHARDS)
    mean = sum(shards) / L.USAGE_SHARDS
    line = (
        f"usage shards: {mean:.1f} WCU/s on average; the sample's busiest {max(shards):.1f} is its own unevenness: "
        f"{watches:,} key ids put at most {busiest:.3f}x the mean on one shard, {mean * busiest:.1f} WCU/s"
    )
    return [line], mean * busiest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--watches", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=1000, help="watches actually simulated (at most --watches)")
    parser.add_argument("--instances", type=int, default=0, help="API instances (default: from Little's law)")
    parser.add_argument("--top", type=int, default=5, help="partition keys listed per table/index and unit")
    args = parser.parse_args()
    size = max(1, min(args.watches, args.sample))
    os.environ.update({k: v for k, v in DUMMY_AWS_ENV.items() if k not in os.environ})
    with tempfile.TemporaryDirectory() as folder, DynamoDBLocal.start() as local:
        settings = replace(settings_for(Path(folder)), price_source="demo")
        # The client is ours, so an app's shut-down (which closes its store) keeps it, hooks and all.
        dynamodb = boto3.client("dynamodb", endpoint_url=local.endpoint, region_name="us-east-1")
        store = new_store(local.endpoint, client=dynamodb)
        with CapacityRecorder(store) as recorder:
            sample = seed(settings, store, recorder, size)
            heat, spent, instances = heat_of(args, sample)
        dynamodb.close()
    print("\n".join(report(args, size, heat, spent, instances)))


if __name__ == "__main__":
    main()
