"""`cryptowatch serve --no-updater` as its own process on 127.0.0.1, over a SQLite store in a
temporary folder that holds fresh prices and a watch key: the server exactly as it ships, for
tests of what happens at the connection level (head sizes, slow clients, the access log).

`BENCH_SERVER` is how the benchmarks start the API instead (`python -m api.server`)."""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.sqlite import SQLiteStore
from tests.api.conftest import seed_prices
from tests.support.server import free_port

SERVE = ("shared.cli", "serve", "--no-updater")
BENCH_SERVER = ("api.server", "api.app:create_app", "--factory")


@dataclass(frozen=True)
class ServeProcess:
    url: str
    port: int
    pid: int
    key: str  # a watch key with a limit no test reaches
    log: Path

    def rss_bytes(self) -> int:
        """The server's resident memory now."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS line")

    def open_files(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))


def seeded(data_dir: Path) -> str:
    """A store with fresh prices; returns a watch key's secret."""
    store = SQLiteStore(data_dir / "cryptowatch.db")
    store.init()
    at = now()
    seed_prices(store, at)
    secret = issue_key(store, Scope.WATCH, at, label="watch", rate_limit=1_000_000).secret
    store.close()
    return secret


@contextlib.contextmanager
def running_serve(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, file_limit: int | None = None,
    command: Sequence[str] = SERVE,
) -> Iterator[ServeProcess]:
    """Start serve (or `command`, a module and its arguments), wait until it answers, stop it
    (SIGTERM) when the block ends. `file_limit` sets the process's open-file limit (soft and
    hard), as `ulimit -n` would."""
    key = seeded(data_dir)
    port, log = free_port(), data_dir / "serve.log"

    def limit_files() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (file_limit, file_limit))

    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", *command, "--port", str(port), *args],
            env={**os.environ, "CRYPTOWATCH_DATA_DIR": str(data_dir), **(env or {})},
            stdout=out, stderr=subprocess.STDOUT, preexec_fn=limit_files,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                httpx.get(url + "/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not come up within 30 s"
                time.sleep(0.1)
        yield ServeProcess(url, port, process.pid, key, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
