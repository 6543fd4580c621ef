"""Cold start of the API function against a minimal seed-style handler, side by side: import
the handler module, then answer the first watch request, in a fresh Python process each time.

    python -m tests.bench.cold_start [--rounds 7]

Both run the same way on DynamoDB Local (one table, seeded with prices and a watch key): a new
interpreter imports the module Lambda would (`api.lambda_handler`, or `tests.bench.seed_handler`:
mangum + Starlette + boto3, one route, two DynamoDB calls) and invokes its handler with the HTTP
API event of `GET /v1/prices?symbols=BTC,ETH`; the time from before the import to the answer is
what Lambda's init plus first invocation would add beyond starting Python. Rounds alternate the
order; the figures are medians, and the ratio the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3

from shared.config import DEFAULT_SYMBOLS
from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope, UpdateStatus
from tests.aws.events import http_api_event
from tests.support.dynamodb_local import DUMMY_AWS_ENV, DynamoDBLocal, new_store

TARGETS = {"seed": "tests.bench.seed_handler", "api": "api.lambda_handler"}
#: Runs in the fresh process: time the import and the first invocation, print them as JSON.
PROBE = """
import json, sys, time
started = time.perf_counter()
module = __import__(sys.argv[1], fromlist=["handler"])
imported = time.perf_counter()
answer = module.handler(json.loads(sys.argv[2]), None)
done = time.perf_counter()
print(json.dumps({"import_ms": (imported - started) * 1000, "first_ms": (done - imported) * 1000,
                  "status": answer["statusCode"]}))
"""


def seed(endpoint: str, **key_options: object) -> tuple[str, str]:
    """A table with prices and a watch key (`key_options` as issue_key's): its name, and the key."""
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")  # a JVM warming up is slow
    store = new_store(endpoint, client=client)
    at = now()
    store.put_prices([PricePoint(s, "usd", 100.0 + i, 1.0, at, "bench") for i, s in enumerate(DEFAULT_SYMBOLS)])
    store.record_update(UpdateStatus(True, "bench", at, at, len(DEFAULT_SYMBOLS), last_success_at=at))
    secret = issue_key(store, Scope.WATCH, at, **key_options).secret
    client.close()
    return store.table_name, secret


def run(module: str, event: dict[str, object], env: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module, json.dumps(event)],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["status"] == 200, (module, result.stdout, result.stderr[-2000:])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with DynamoDBLocal.start() as local, tempfile.TemporaryDirectory() as folder:
        os.environ.update({k: v for k, v in DUMMY_AWS_ENV.items() if k not in os.environ})
        table, secret = seed(local.endpoint)
        env = {
            **os.environ, "DYNAMODB_TABLE_NAME": table, "AWS_ENDPOINT_URL_DYNAMODB": local.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": "cryptowatch-bench", "CRYPTOWATCH_DATA_DIR": str(Path(folder)),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }  # fmt: skip
        event = http_api_event("GET", "/v1/prices", "symbols=BTC,ETH", {"X-API-Key": secret})
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in TARGETS}
        for round_number in range(args.rounds + 1):  # round 0 warms the disk cache, not counted
            order = list(TARGETS) if round_number % 2 else list(reversed(TARGETS))
            measured = {name: run(TARGETS[name], event, env) for name in order}
            if round_number:
                for name in TARGETS:
                    runs[name].append(measured[name])
    print(f"{'handler':<8} {'import ms':>10} {'first request ms':>17} {'total ms':>9}   (medians of {args.rounds})")
    for name in TARGETS:
        imports = statistics.median(r["import_ms"] for r in runs[name])
        firsts = statistics.median(r["first_ms"] for r in runs[name])
        total = statistics.median(r["import_ms"] + r["first_ms"] for r in runs[name])
        print(f"{name:<8} {imports:>10.1f} {firsts:>17.1f} {total:>9.1f}")
    ratios = [
        (a["import_ms"] + a["first_ms"]) / (s["import_ms"] + s["first_ms"])
        for a, s in zip(runs["api"], runs["seed"], strict=True)
    ]
    print(f"api / seed: {statistics.median(ratios):.2f}x (median of per-round ratios; target: at most 1.00)")


if __name__ == "__main__":
    main()
