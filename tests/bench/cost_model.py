"""The AWS price of a million watch polls, before and after the capacity work, behind the HTTP
API and behind a Lambda function URL, side by side.

    python -m tests.bench.cost_model [--write-units 1.0] [--read-units 0.5] [--ms 9 11 31]

Units per poll are measured: "before" by the issue's run of `tests.bench.capacity` (windows in
gsi1: 1 table + 1 index write unit) plus the strongly consistent key read every five-minute poll
makes (1 read unit); "after" by `python -m tests.bench.partition_heat --watches 1000000`, all
traffic included (docs/dynamodb.md, "Partition heat"). Lambda's billed duration per poll is
measured by `python -m tests.bench.lambda_duration` (the real handler on DynamoDB Local, scaled to
the vCPU share of MemorySize): MEASURED_MS, its p50, mean and p99. Prices: PRICES, us-east-1, with
their sources; docs/aws.md, "Cost", has the figures and the date they were read.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

MILLION = 1_000_000

#: US East (N. Virginia), USD, read 2026-12-04 (sources in docs/aws.md, "Cost").
PRICES = {
    "lambda_request": 0.20 / MILLION,  # per invocation
    "lambda_arm_gb_second": 0.0000133334,  # arm64, first 7.5 billion GB-s a month
    "http_api_request": 1.00 / MILLION,  # first 300 million a month
    "function_url_request": 0.0,  # no charge of its own: the invocation is Lambda's request
    "write_request_unit": 0.625 / MILLION,  # DynamoDB on demand, Standard table class
    "read_request_unit": 0.125 / MILLION,
}
MEMORY_MB = 512  # template.yaml, Globals.Function.MemorySize
#: Billed ms of a warm poll at MEMORY_MB: p50, mean (what a million cost) and p99, from
#: `python -m tests.bench.lambda_duration` of 2026-12-04 (docs/aws.md, "Cost").
MEASURED_MS = (9, 11.1, 31)


@dataclass(frozen=True)
class Units:
    write: float
    read: float


BEFORE = Units(write=2.0, read=1.0)


def per_million(units: Units, ms: float, front: str, memory_mb: int = MEMORY_MB) -> float:
    """USD for a million polls."""
    one = (
        PRICES["lambda_request"]
        + memory_mb / 1024 * ms / 1000 * PRICES["lambda_arm_gb_second"]
        + PRICES[f"{front}_request"]
        + units.write * PRICES["write_request_unit"]
        + units.read * PRICES["read_request_unit"]
    )
    return one * MILLION


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-units", type=float, default=1.006, help="after: write units per poll")
    parser.add_argument("--read-units", type=float, default=0.515, help="after: read units per poll")
    parser.add_argument("--ms", type=float, nargs="+", default=list(MEASURED_MS), help="billed Lambda ms per poll")
    parser.add_argument("--memory-mb", type=int, default=MEMORY_MB, help="the API function's memory")
    args = parser.parse_args()
    after = Units(args.write_units, args.read_units)
    print(f"USD per million watch polls (Lambda arm64, {args.memory_mb} MB; DynamoDB on demand; us-east-1)")
    print(f"{'front':<14} {'Lambda ms':>9} {'before':>8} {'after':>8} {'after/before':>12}")
    for front, name in (("http_api", "HTTP API"), ("function_url", "function URL")):
        for ms in args.ms:
            old, new = per_million(BEFORE, ms, front, args.memory_mb), per_million(after, ms, front, args.memory_mb)
            print(f"{name:<14} {ms:>9g} {old:>8.3f} {new:>8.3f} {new / old:>12.2f}")
    fixed = per_million(after, 0, "function_url")
    budget = (1.0 - fixed) / MILLION / (args.memory_mb / 1024 * PRICES["lambda_arm_gb_second"]) * 1000
    print(f"under $1 behind a function URL while a poll bills under {budget:.0f} ms at {args.memory_mb} MB")
    p50, mean, p99 = MEASURED_MS
    print(f"Lambda ms measured (tests.bench.lambda_duration, {MEMORY_MB} MB): p50 {p50}, mean {mean}, p99 {p99}")
    print(
        f"units per poll: before {BEFORE.write:g} write + {BEFORE.read:g} read, "
        f"after {after.write:g} write + {after.read:g} read; target: under $1 in the cheapest setup"
    )


if __name__ == "__main__":
    main()
