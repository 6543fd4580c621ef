"""Cold start of the API function against a minimal seed-style handler, side by side: import
the handler module, then answer the first watch request, in a fresh Python process each time.

    python -m tests.bench.cold_start [--rounds 7]

Both run the same way on DynamoDB Local (one table, seeded with prices and a watch key): a new
interpreter imports the module Lambda would (`api.lambda_handler`, or `tests.bench.seed_handler`:
mangum + Starlette + boto3, one route, two DynamoDB calls) and invokes its handler with the HTTP
API event of `GET /v1/prices?symbols=BTC,ETH`; the time from before the import to the answer is
what Lambda's init plus first invocation would add beyond starting Python. Rounds alternate the
order; the figures are medians, and the ratio the median of the per-round ratios.

The code runs from a copy laid out as in the function's package (both handlers' own modules; the
installed dependencies are shared), with nothing written back, as on Lambda's read-only
/var/task. Two packages: `source`, as `sam build` leaves it, so every module is compiled at each
cold start; and `bytecode`, compiled ahead (`compileall --invalidation-mode checked-hash`) as
the deploy workflow does after `sam build` (docs/aws.md). The seed handler gets the same.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from py_compile import PycInvalidationMode

import boto3

from shared.config import DEFAULT_SYMBOLS
from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope, UpdateStatus
from tests.aws.events import http_api_event
from tests.support.dynamodb_local import DUMMY_AWS_ENV, DynamoDBLocal, new_store

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"seed": "tests.bench.seed_handler", "api": "api.lambda_handler"}
PACKAGES = ("source", "bytecode")
#: What the two functions' packages hold of this repository: their modules and packages.
PACKAGED = ("api", "shared", "tests/__init__.py", "tests/bench/__init__.py", "tests/bench/seed_handler.py")
#: Runs in the fresh process: time the import and the first invocation, print them as JSON.
PROBE = """
import json, sys, time
started = time.perf_counter()
module = __import__(sys.argv[1], fromlist=["handler"])
imported = time.perf_counter()
answer = module.handler(json.loads(sys.argv[2]), None)
done = time.perf_counter()
print(json.dumps({"import_ms": (imported - started) * 1000, "first_ms": (done - imported) * 1000,
                  "status": answer["statusCode"], "file": module.__file__}))
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


def package(folder: Path, bytecode: bool) -> Path:
    """A copy of the handlers' code in `folder`, compiled ahead when `bytecode`."""
    for name in PACKAGED:
        source, target = ROOT / name, folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    if bytecode:
        compileall.compile_dir(folder, quiet=1, invalidation_mode=PycInvalidationMode.CHECKED_HASH)
    return folder


def run(module: str, event: dict[str, object], env: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module, json.dumps(event)], cwd=env["PYTHONPATH"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["status"] == 200, (module, result.stdout, result.stderr[-2000:])
    assert str(measured.pop("file")).startswith(env["PYTHONPATH"]), "not run from the package"
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
            "AWS_LAMBDA_FUNCTION_NAME": "cryptowatch-bench", "CRYPTOWATCH_DATA_DIR": str(Path(folder) / "data"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }  # fmt: skip
        envs = {
            kind: {**env, "PYTHONPATH": str(package(Path(folder) / kind, kind == "bytecode"))} for kind in PACKAGES
        }
        event = http_api_event("GET", "/v1/prices", "symbols=BTC,ETH", {"X-API-Key": secret})
        runs: dict[tuple[str, str], list[dict[str, float]]] = {(k, n): [] for k in PACKAGES for n in TARGETS}
        for round_number in range(args.rounds + 1):  # round 0 warms the disk cache, not counted
            order = [(k, n) for k in PACKAGES for n in TARGETS]
            order = order if round_number % 2 else order[::-1]
            measured = {case: run(TARGETS[case[1]], event, envs[case[0]]) for case in order}
            if round_number:
                for case in order:
                    runs[case].append(measured[case])
    print(f"{'package':<9} {'handler':<8} {'import ms':>10} {'first request ms':>17} {'total ms':>9}"
          f"   (medians of {args.rounds})")  # fmt: skip
    for kind, name in runs:
        measured_runs = runs[kind, name]
        imports = statistics.median(r["import_ms"] for r in measured_runs)
        firsts = statistics.median(r["first_ms"] for r in measured_runs)
        total = statistics.median(r["import_ms"] + r["first_ms"] for r in measured_runs)
        print(f"{kind:<9} {name:<8} {imports:>10.1f} {firsts:>17.1f} {total:>9.1f}")
    for kind in PACKAGES:
        ratios = [
            (a["import_ms"] + a["first_ms"]) / (s["import_ms"] + s["first_ms"])
            for a, s in zip(runs[kind, "api"], runs[kind, "seed"], strict=True)
        ]
        print(f"api / seed, {kind} package: {statistics.median(ratios):.2f}x (median of per-round ratios)")
    print("target: at most 1.00x as deployed (the bytecode package)")


if __name__ == "__main__":
    main()
