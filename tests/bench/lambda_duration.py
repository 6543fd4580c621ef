"""Billed duration of a warm watch request on Lambda, measured rather than assumed: the API
function's real handler (`api.lambda_handler.handler`, the one template.yaml names) invoked
in-process, many times, on DynamoDB Local.

    python -m tests.bench.lambda_duration [--invocations 2000] [--memory-mb 512]

Four requests, interleaved, on one warm execution environment (the key and price caches filled by
a warm-up, as on an instance that answers a stream of polls): `GET /v1/prices?symbols=BTC,ETH`
with a watch key through the HTTP API (payload 2.0) and through a function URL, each answered
200, and the same revalidated with If-None-Match (304). Each makes one DynamoDB call, the
rate-limit count; every 30 s the key cache refills with a read. Lambda bills the handler's time
rounded up to the millisecond, so that is what is printed: p50 and p99 as measured here, and as
Lambda would bill them at --memory-mb (with the mean of the rounded-up figures, which is what a
million polls cost), where the function gets memory/1,769 of a vCPU (AWS,
"Configure Lambda function memory"). The estimate scales the handler's own CPU time by that share
and adds the time it waited for DynamoDB as measured here (DynamoDB Local on the same machine;
DynamoDB inside a region answers in single-digit milliseconds). It also prints what the CloudWatch
embedded-metric lines cost a request.
"""

from __future__ import annotations

import argparse
import importlib
import io
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.metrics_emf import EmfMetrics
from tests.aws.events import LambdaContext, function_url_event, http_api_event
from tests.bench.cold_start import seed
from tests.bench.cost_model import MEMORY_MB
from tests.support.dynamodb_local import DUMMY_AWS_ENV, DynamoDBLocal

#: "At 1,769 MB, a function has the equivalent of one vCPU" (docs/aws.md, "Cost").
ONE_VCPU_MB = 1769
QUERY = "symbols=BTC,ETH"
FRONTS: dict[str, Callable[..., dict[str, Any]]] = {"HTTP API": http_api_event, "function URL": function_url_event}


@dataclass
class Case:
    name: str
    event: dict[str, Any]
    status: int
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def on_lambda_ms(self, memory_mb: int) -> list[float]:
        """Each invocation at `memory_mb`: its CPU time at that share of a vCPU, plus its wait."""
        slower = ONE_VCPU_MB / memory_mb
        return [cpu * slower + max(0.0, wall - cpu) for wall, cpu in zip(self.wall_ms, self.cpu_ms, strict=True)]


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def billed(values: list[float]) -> str:
    """p50/p99 rounded up to Lambda's 1 ms billing."""
    return f"{math.ceil(statistics.median(values))}/{math.ceil(p99(values))}"


def cases(handler: Any, secret: str) -> list[Case]:
    """The four requests, with the 304s' If-None-Match taken from a first answer."""
    made = []
    for front, event in FRONTS.items():
        first = handler(event("GET", "/v1/prices", QUERY, {"X-API-Key": secret}), LambdaContext())
        etag = first["headers"]["etag"]
        made.append(Case(f"{front} 200", event("GET", "/v1/prices", QUERY, {"X-API-Key": secret}), 200))
        made.append(Case(f"{front} 304", event("GET", "/v1/prices", QUERY, {"X-API-Key": secret,
                                                                            "If-None-Match": etag}), 304))
    return made


def invoke(handler: Any, case: Case) -> None:
    context = LambdaContext()
    cpu, started = time.process_time(), time.perf_counter()
    answer = handler(case.event, context)
    wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    if answer["statusCode"] != case.status:
        raise SystemExit(f"{case.name}: answered {answer['statusCode']} {answer.get('body', '')[:80]!r}")
    case.wall_ms.append(wall)
    case.cpu_ms.append(cpu)


def emf_microseconds(requests: int = 100_000) -> float:
    """What the EMF metrics add to a request: one sample, and its share of a line per 100."""
    metrics = EmfMetrics("bench", write=io.StringIO().write)
    started = time.perf_counter()
    for _ in range(requests):
        metrics.observe("/v1/prices", 200, 0.0042)
    return (time.perf_counter() - started) / requests * 1e6


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown CPU")
    return f"{model}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invocations", type=int, default=2000, help="of each of the four requests")
    parser.add_argument("--memory-mb", type=int, default=MEMORY_MB, help="the API function's MemorySize")
    args = parser.parse_args()
    with DynamoDBLocal.start() as local, tempfile.TemporaryDirectory() as folder:
        os.environ.update({k: v for k, v in DUMMY_AWS_ENV.items() if k not in os.environ})
        table, secret = seed(local.endpoint, rate_limit=10**9)  # the count runs; the limit never stops it
        os.environ.update({
            "DYNAMODB_TABLE_NAME": table, "AWS_ENDPOINT_URL_DYNAMODB": local.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": "cryptowatch-bench", "CRYPTOWATCH_DATA_DIR": folder,
        })  # fmt: skip
        handler = importlib.import_module("api.lambda_handler").handler
        measured = cases(handler, secret)
        emf_lines, sys.stdout = sys.stdout, io.StringIO()  # the handler's EMF lines, as Lambda's log agent takes them
        try:
            for _ in range(20):  # warm-up: every cache of the instance filled
                for case in measured:
                    handler(case.event, LambdaContext())
            for _ in range(args.invocations):
                for case in measured:
                    invoke(handler, case)
        finally:
            sys.stdout = emf_lines
    print(f"warm watch requests through the real handler, {args.invocations} of each, DynamoDB Local")
    print(f"machine: {machine()}")
    print(f"{'request':<18} {'wall p50':>8} {'p99':>6} {'cpu p50':>8} {'p99':>6} {'billed here':>11} "
          f"{f'billed {args.memory_mb} MB':>14}   (ms; billed: p50/p99 rounded up)")
    for case in measured:
        print(f"{case.name:<18} {statistics.median(case.wall_ms):>8.2f} {p99(case.wall_ms):>6.2f} "
              f"{statistics.median(case.cpu_ms):>8.2f} {p99(case.cpu_ms):>6.2f} {billed(case.wall_ms):>11} "
              f"{billed(case.on_lambda_ms(args.memory_mb)):>14}")
    every = [ms for case in measured for ms in case.on_lambda_ms(args.memory_mb)]
    share = args.memory_mb / ONE_VCPU_MB
    mean = statistics.fmean(math.ceil(ms) for ms in every)  # what a million of them cost: each rounded up
    print(f"all four at {args.memory_mb} MB ({share:.2f} vCPU): billed p50/p99 {billed(every)} ms, mean {mean:.1f} ms")
    print(f"EMF metrics: {emf_microseconds():.2f} us of CPU a request here (a sample, and a line per 100)")


if __name__ == "__main__":
    main()
