"""Two uvicorn worker processes on one socket, and a burst against them: what only separate
processes show (an exact rate limit across workers), shared by the SQLite and DynamoDB tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter

import httpx

from tests.support.clock import wait_for_fresh_minute
from tests.support.server import free_port

REQUESTS = 160
LIMIT = 100


def start_workers(port: int, **env: str) -> subprocess.Popen[bytes]:
    """Two API worker processes on one socket, as `cryptowatch serve --workers 2` runs them."""
    return subprocess.Popen(
        [sys.executable, "-m", "api.server", "api.app:create_app", "--factory", "--workers", "2",
         "--port", str(port)],
        env={**os.environ, "RATE_LIMIT_PER_MINUTE": str(LIMIT), **env},
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "uvicorn exited early"
        try:
            httpx.get(url + "/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("uvicorn workers did not come up")


async def burst(url: str, key: str) -> Counter[int]:
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": key}, limits=limits, timeout=20) as client:
        answers = await asyncio.gather(*(client.get("/v1/prices?symbols=BTC") for _ in range(REQUESTS)))
    return Counter(r.status_code for r in answers)


def burst_against_two_workers(key: str, **env: str) -> Counter[int]:
    """Start two workers with `env`, send the burst at the start of a fresh minute, stop them."""
    port = free_port()
    process = start_workers(port, **env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, process)
        wait_for_fresh_minute(margin=20)
        return asyncio.run(burst(url, key))
    finally:
        process.terminate()
        process.wait(timeout=20)
