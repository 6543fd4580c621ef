"""The app's own CPU time per repeat watch poll, in-process, beside another checkout's.

    python -m tests.bench.app_cpu --against CHECKOUT [--calls 20000] [--rounds 7]

No server and no socket: a fresh Python process per run builds the app as `serve` does (a SQLite
store with three prices and a key, from `watch_path.prepare`) and calls it with the scope of
`GET /v1/prices?symbols=BTC,ETH,SOL` --calls times, the fast lane's repeat poll, timing the
process's CPU. Runs alternate between this checkout and --against (e.g. `git archive main | tar -x
-C /tmp/main`); each prints the best and the median of --rounds. On the shared machine the
watch bench's request rates swing by 2x with other engineers' load; this figure by a few percent,
so it is the one that shows a change of a microsecond or two.
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

from tests.bench.watch_path import PATH, prepare

#: Runs in the checkout's folder, so `api` is that checkout's: the microseconds of CPU per call.
PROBE = """
import asyncio, json, os, sys, time
from api.app import create_app
from shared.config import Settings

path, _, query = sys.argv[2].partition("?")
scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
         "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
         "headers": [(b"host", b"127.0.0.1"), (b"x-api-key", sys.argv[1].encode())],
         "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000)}
statuses = []

async def receive():
    return {"type": "http.request", "body": b"", "more_body": False}

async def send(message):
    if message["type"] == "http.response.start":
        statuses.append(message["status"])

async def main():
    app = create_app(Settings.from_env())
    for _ in range(10):  # the first poll takes the full stack and teaches the fast lane
        await app(dict(scope), receive, send)
    calls = int(sys.argv[3])
    started = time.process_time()
    for _ in range(calls):
        await app(dict(scope), receive, send)
    spent = time.process_time() - started
    assert set(statuses) == {200}, set(statuses)
    print(json.dumps(spent / calls * 1e6))

asyncio.run(main())
"""


def probe(checkout: Path, data_dir: Path, key: str, calls: int) -> float:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, key, PATH, str(calls)], cwd=checkout, capture_output=True, text=True,
        timeout=300, check=True, env={**os.environ, "CRYPTOWATCH_DATA_DIR": str(data_dir)},
    )  # fmt: skip
    return float(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, required=True, help="the other checkout")
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[2]
    runs: dict[str, list[float]] = {"this": [], "against": []}
    with tempfile.TemporaryDirectory() as folder:
        key = prepare(Path(folder))
        for round_number in range(args.rounds):
            order = [("this", here), ("against", args.against)]
            for name, checkout in order if round_number % 2 == 0 else reversed(order):
                runs[name].append(probe(checkout, Path(folder), key, args.calls))
    print(f"CPU us per repeat poll, in-process, {args.calls} calls a run, {args.rounds} runs each")
    for name, values in runs.items():
        print(f"{name:<8} best {min(values):6.2f}  median {statistics.median(values):6.2f}  "
              f"runs {' '.join(f'{v:.1f}' for v in values)}")
    print(f"this/against: best {min(runs['this']) / min(runs['against']):.3f}, "
          f"median {statistics.median(runs['this']) / statistics.median(runs['against']):.3f}")


if __name__ == "__main__":
    main()
