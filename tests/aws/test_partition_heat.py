"""The partition-heat simulation at a small scale: it runs, lists the busiest partition keys of
the table and of gsi1, finds the rate-limit windows on the table's day shards and none of them
in the index, and costs about one write unit a poll."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.dynamodb_local import require_dynamodb_local

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.dynamodb
def test_a_small_fleet_prints_the_busiest_partitions_and_meets_the_target() -> None:
    require_dynamodb_local()
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.partition_heat", "--watches", "3000", "--sample", "40", "--top", "3"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    heading = re.compile(r"^(\w+): busiest partition keys by (\w+) units")
    sections = {" ".join(m.groups()): i for i, line in enumerate(lines) if (m := heading.match(line))}
    table_writes = lines[sections["table write"] + 1 : sections["table read"]]
    index_writes = lines[sections["gsi1 write"] + 1 : sections["gsi1 read"]]
    per_poll = re.search(r"([\d.]+) write units and ([\d.]+) read units per watch poll", result.stdout)

    assert lines[0].startswith("partition heat at 3,000 watches: sample 40")
    assert set(sections) == {"table write", "table read", "gsi1 write", "gsi1 read"}
    assert len(table_writes) == 3 and all(row.split()[0].startswith("USAGE#") for row in table_writes)
    assert not any("USAGE#" in row for row in index_writes)
    assert per_poll is not None and 1.0 <= float(per_poll[1]) < 1.1
    assert lines[-1].endswith("target at most 10% of each: met")
