"""Throughput and latency of the full watch path beside its baselines, measured in one run.

    python -m tests.bench.watch_path [--seconds 8] [--connections 32] [--workers 1 2] [--rounds 2]

Each target is a uvicorn process on 127.0.0.1 with the same settings, loaded in turn by wrk
(bounded by --seconds) for --rounds rotations; the best round of each counts. Targets: the full
path (`GET /v1/prices?symbols=BTC,ETH,SOL` with auth, rate limit and cache hit on a SQLite
store), a raw ASGI callable and a bare Starlette route returning the same bytes, and the seed
projects' FastAPI version. The ratios are what to compare between machines, not the raw figures.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope, UpdateStatus
from shared.store.sqlite import SQLiteStore
from tests.support.server import free_port

PATH = "/v1/prices?symbols=BTC,ETH,SOL"
TARGETS = {
    "full": ["api.app:create_app", "--factory"],
    "raw": ["tests.bench.apps:raw"],
    "bare": ["tests.bench.apps:bare"],
    "fastapi": ["tests.bench.apps:fastapi"],
}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def prepare(data_dir: Path) -> str:
    """A store with three fresh prices and a key whose limit the load cannot reach."""
    store = SQLiteStore(data_dir / "cryptowatch.db")
    store.init()
    at = now()
    store.put_prices([
        PricePoint("BTC", "usd", 97123.4567, -1.2345, at, "bench"),
        PricePoint("ETH", "usd", 3456.789, 0.85, at, "bench"),
        PricePoint("SOL", "usd", 245.1234, 3.1, at, "bench"),
    ])
    store.record_update(UpdateStatus(True, "bench", at, at, 3, last_success_at=at))
    secret = issue_key(store, Scope.WATCH, at, rate_limit=10**9).secret
    store.close()
    return secret


def start(target: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "api.server", *TARGETS[target], "--port", str(port), "--workers", str(workers)],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    assert match, text
    return float(match.group(1)) * _UNITS[match.group(2)]


def load(port: int, key: str, seconds: int, connections: int) -> Result:
    output = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-H", f"X-API-Key: {key}",
         f"http://127.0.0.1:{port}{PATH}"],
        capture_output=True, text=True, check=True, timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Result(rps, p50, p99, int(non_2xx.group(1)) if non_2xx else 0)


def run(workers: int, seconds: int, connections: int, rounds: int, data_dir: Path, key: str) -> dict[str, Result]:
    body_file = data_dir / "body.json"
    env = {**os.environ, "CRYPTOWATCH_DATA_DIR": str(data_dir), "BENCH_BODY_FILE": str(body_file),
           "BENCH_API_KEY": key, "LOG_LEVEL": "WARNING"}
    best: dict[str, Result] = {}
    for round_number in range(rounds):
        order = list(TARGETS)[round_number % len(TARGETS):] + list(TARGETS)[:round_number % len(TARGETS)]
        for target in order:
            port = free_port()
            process = start(target, port, workers, env)
            try:
                if target == "full":
                    body_file.write_bytes(httpx.get(f"http://127.0.0.1:{port}{PATH}",
                                                    headers={"X-API-Key": key}).content)
                result = load(port, key, seconds, connections)
            finally:
                process.terminate()
                process.wait(timeout=20)
            if target not in best or result.requests_per_second > best[target].requests_per_second:
                best[target] = result
    return best


def report(workers: int, results: dict[str, Result]) -> str:
    full = results["full"]
    lines = [f"workers={workers}", f"{'target':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}"]
    for name, r in results.items():
        lines.append(f"{name:<8} {r.requests_per_second:>9.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.non_2xx:>8}")
    lines.append(
        f"ratios: full/bare = {full.requests_per_second / results['bare'].requests_per_second:.2f} (target >= 0.8), "
        f"full/raw = {full.requests_per_second / results['raw'].requests_per_second:.2f} (target >= 0.6), "
        f"full/fastapi = {full.requests_per_second / results['fastapi'].requests_per_second:.2f} (target >= 3)"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        key = prepare(data_dir)
        for workers in args.workers:
            print(report(workers, run(workers, args.seconds, args.connections, args.rounds, data_dir, key)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
