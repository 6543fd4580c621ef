"""Throughput and latency of the full watch path beside its baselines, measured in one run.

    python -m tests.bench.watch_path [--seconds 5] [--connections 32] [--workers 1 2] [--rounds 5]
                                     [--against CHECKOUT]

Each target is a uvicorn process on 127.0.0.1 with the same settings, those `cryptowatch serve`
ships (`python -m api.server` reads them as `serve` does; none is overridden here, so the access
log is as `serve` leaves it by default), loaded in turn by wrk
(bounded by --seconds) in each of --rounds rotations. A round measures every target back to
back, so its ratios compare like with like even when the machine's speed drifts; the report
gives the median of each figure and of each ratio over the rounds. Targets: the full path
(`GET /v1/prices?symbols=BTC,ETH,SOL` with auth, rate limit and cache hit on a SQLite store),
a raw ASGI callable and a bare Starlette route returning the same bytes (body and header
fields, see `apps.py`), and the seed projects' FastAPI version; with --against, also the full
path of another checkout of the project (`before`: the same app from that folder's `api/`, e.g.
`git archive main | tar -x -C /tmp/main`), so a change is measured side by side with what it
changes, in the same rounds. Every target is checked first (status, and the same bytes where it
should return them); a failing one stops the run, since its figures would mean nothing. The
ratios are what to compare between machines, not the raw figures.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
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
from tests.support.watch_body import without_n

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
    cpu_us: float  # the server's CPU time (every worker's) per request answered


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its descendants (the workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    spent: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        process = int(stat.parent.name)
        parent[process] = int(fields[1])
        spent[process] = (int(fields[11]) + int(fields[12])) / tick
    family, total = {pid}, 0.0
    for process in sorted(parent):  # a child's pid is almost always above its parent's
        if process in family or parent[process] in family:
            family.add(process)
            total += spent[process]
    return total


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


BEFORE = "before"  # the full path of the --against checkout


def start(target: str, port: int, workers: int, env: dict[str, str], against: Path | None) -> subprocess.Popen[bytes]:
    """`python -m` imports `api` from its working folder: this checkout's, or the other one's."""
    app = TARGETS["full" if target == BEFORE else target]
    process = subprocess.Popen(
        [sys.executable, "-m", "api.server", *app, "--port", str(port), "--workers", str(workers)],
        env=env, cwd=against if target == BEFORE else None,
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


def load(port: int, key: str, seconds: int, connections: int, server: int) -> Result:
    """wrk against the server for `seconds`; its CPU time per request too, which another
    engineer's load on the machine sways far less than the request rate."""
    cpu_before = cpu_seconds(server)
    output = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-H", f"X-API-Key: {key}",
         f"http://127.0.0.1:{port}{PATH}"],
        capture_output=True, text=True, check=True, timeout=seconds + 30,
    ).stdout
    cpu = cpu_seconds(server) - cpu_before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    answered = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    return Result(rps, p50, p99, int(non_2xx.group(1)) if non_2xx else 0, cpu / answered * 1e6)


#: Added by uvicorn to every response, or by each server itself.
SERVER_FIELDS = {"date", "server", "content-length"}


def fields(response: httpx.Response) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.headers.items() if name not in SERVER_FIELDS]


def check(target: str, port: int, key: str, body: bytes, names: list[str]) -> None:
    """The target answers as it should before it is measured: the baselines with the full
    path's body (its `n` aside, which counts down) and header fields; an --against checkout
    from before `n` (2026-12-04) with the same body without it."""
    response = httpx.get(f"http://127.0.0.1:{port}{PATH}", headers={"X-API-Key": key})
    content = response.content
    same = target == "fastapi" or (  # FastAPI answers in its own shape: it is the slow baseline
        (content if target == BEFORE and b'"n":' not in content else without_n(content)) == without_n(body)
        and sorted(name for name, _ in fields(response)) == names
    )
    if response.status_code != 200 or not same:
        raise SystemExit(f"{target} answered {response.status_code} {response.content[:80]!r}: not measured")


def run(
    workers: int, seconds: int, connections: int, rounds: int, data_dir: Path, key: str, against: Path | None
) -> list[dict[str, Result]]:
    """One result per target per round."""
    body_file, headers_file = data_dir / "body.json", data_dir / "headers.json"
    env = {**os.environ, "CRYPTOWATCH_DATA_DIR": str(data_dir), "BENCH_BODY_FILE": str(body_file),
           "BENCH_HEADERS_FILE": str(headers_file), "BENCH_API_KEY": key}
    assert next(iter(TARGETS)) == "full"  # so round 0 starts with it: it writes what the others send
    measured: list[dict[str, Result]] = []
    expected: tuple[bytes, list[str]] = (b"", [])  # the full path's body and header names
    targets = list(TARGETS)
    if against:
        targets.insert(1, BEFORE)  # beside full in every rotation: the two compared the closest in time
    for round_number in range(rounds):
        order = targets[round_number % len(targets):] + targets[:round_number % len(targets)]
        results: dict[str, Result] = {}
        for target in order:
            port = free_port()
            process = start(target, port, workers, env, against)
            try:
                if target == "full" and round_number == 0:
                    first = httpx.get(f"http://127.0.0.1:{port}{PATH}", headers={"X-API-Key": key})
                    body_file.write_bytes(first.content)
                    headers_file.write_text(json.dumps(fields(first)))
                    expected = (first.content, sorted(name for name, _ in fields(first)))
                check(target, port, key, *expected)
                results[target] = load(port, key, seconds, connections, process.pid)
            finally:
                process.terminate()
                process.wait(timeout=20)
            if results[target].non_2xx:
                raise SystemExit(f"{target}: {results[target].non_2xx} responses were not 2xx or 3xx")
        measured.append(results)
    return measured


RATIOS = (("bare", 0.8), ("raw", 0.6), ("fastapi", 3.0))


def ratio(measured: list[dict[str, Result]], target: str, baseline: str, by_cpu: bool = False) -> tuple[float, str]:
    """The median of the per-round ratios of target to baseline, and the rounds' ratios: of their
    request rates, or `by_cpu` of the requests each answers per CPU second (baseline's CPU time
    per request over target's), which a busy machine sways less."""
    per_round = [
        r[baseline].cpu_us / r[target].cpu_us if by_cpu
        else r[target].requests_per_second / r[baseline].requests_per_second
        for r in measured
    ]  # fmt: skip
    return statistics.median(per_round), " ".join(f"{value:.2f}" for value in per_round)


def report(workers: int, measured: list[dict[str, Result]]) -> str:
    """Medians over the rounds: each target's figures, and each round's ratios."""
    lines = [f"workers={workers}, median of {len(measured)} rounds",
             f"{'target':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cpu us/req':>10}"]
    names = [name for name in (*TARGETS, BEFORE) if name in measured[0]]
    for name in names:
        rounds = [r[name] for r in measured]
        lines.append(
            f"{name:<8} {statistics.median(r.requests_per_second for r in rounds):>9.0f} "
            f"{statistics.median(r.p50_ms for r in rounds):>8.2f} {statistics.median(r.p99_ms for r in rounds):>8.2f} "
            f"{statistics.median(r.cpu_us for r in rounds):>10.1f}"
        )
    paths = ["full"]
    if BEFORE in names:
        paths.append(BEFORE)
        for by_cpu, kind in ((False, "req/s"), (True, "by CPU")):
            median, rounds_text = ratio(measured, "full", BEFORE, by_cpu)
            lines.append(f"full/before {kind} = {median:.2f} (rounds: {rounds_text})")
    for baseline, target in RATIOS:
        for measured_path in paths:
            median, rounds_text = ratio(measured, measured_path, baseline)
            lines.append(f"{measured_path}/{baseline} = {median:.2f} (target >= {target}; rounds: {rounds_text})")
            median, rounds_text = ratio(measured, measured_path, baseline, by_cpu=True)
            lines.append(f"{measured_path}/{baseline} by CPU = {median:.2f} (rounds: {rounds_text})")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another checkout whose full path to measure beside this one")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        key = prepare(data_dir)
        for workers in args.workers:
            measured = run(workers, args.seconds, args.connections, args.rounds, data_dir, key, args.against)
            print(report(workers, measured), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
