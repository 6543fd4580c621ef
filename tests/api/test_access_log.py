"""The access log (issue 11, item 18): off by default, as `serve` ships, because a line per
request cost the watch path about a third of its throughput; on with `--access-log` or
ACCESS_LOG=true. The benchmarks start the API through `python -m api.server`, which must log
exactly as `serve` does, or they would measure something `serve` does not ship."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from tests.support.serve_process import BENCH_SERVER, SERVE, running_serve

REQUESTS = 10
ACCESS_LINE = '"GET /v1/prices/BTC HTTP/1.1" 200'
LAUNCHERS = pytest.mark.parametrize("command", [SERVE, BENCH_SERVER], ids=["serve", "bench-server"])


def logged_requests(data_dir: Path, command: Sequence[str], *args: str, **env: str) -> int:
    with running_serve(data_dir, *args, env=env, command=command) as server:
        with httpx.Client(base_url=server.url, headers={"X-API-Key": server.key}) as client:
            for _ in range(REQUESTS):
                assert client.get("/v1/prices/BTC").status_code == 200
    return server.log.read_text().count(ACCESS_LINE)


@LAUNCHERS
def test_no_line_per_request_by_default(tmp_path: Path, command: Sequence[str]) -> None:
    assert logged_requests(tmp_path, command) == 0


@LAUNCHERS
def test_access_log_setting_logs_every_request(tmp_path: Path, command: Sequence[str]) -> None:
    assert logged_requests(tmp_path, command, ACCESS_LOG="true") == REQUESTS


def test_serve_access_log_flag_logs_every_request(tmp_path: Path) -> None:
    assert logged_requests(tmp_path, SERVE, "--access-log") == REQUESTS
