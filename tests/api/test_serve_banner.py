"""The commands `cryptowatch serve` prints beside its first admin key work exactly as printed,
from another terminal that has none of serve's environment: `make serve-dynamodb` runs on
DynamoDB Local with the data folder data/dynamodb-run, where a bare `cryptowatch keys create`
would write to SQLite and a bare `cryptowatch companion` would look in data/admin.key."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.next_steps import program
from companion.connection import resolve
from shared.store.dynamodb import DynamoStore
from tests.api.test_cli import stop, wait_for_api_and_updater
from tests.support.dynamodb_local import drop_table, fresh_table_name
from tests.support.server import free_port

#: What serve's environment sets that another terminal does not have.
SERVE_ONLY = ("CRYPTOWATCH_DATA_DIR", "DYNAMODB_TABLE_NAME", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION", "SQLITE_PATH")


def banner_of_first_serve(env: dict[str, str], port: int, log: Path) -> list[str]:
    """The indented lines serve prints with its first admin key: the key, then the commands."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "serve", "--source", "demo", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "a key for a watch" not in log.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.1)
        wait_for_api_and_updater(f"http://127.0.0.1:{port}", process)  # the banner is whole by then
    finally:
        stop(process)
    return [line.strip() for line in log.read_text().splitlines() if line.startswith("    ")]


def another_terminal() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in SERVE_ONLY}


@pytest.mark.dynamodb
def test_the_dynamodb_runs_printed_commands_work_as_printed(tmp_path: Path, dynamodb_local: str) -> None:
    table, port = fresh_table_name(), free_port()
    env = {
        **another_terminal(),
        "DYNAMODB_TABLE_NAME": table, "CRYPTOWATCH_DATA_DIR": str(tmp_path / "dynamodb-run"),
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_local, "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1",
    }
    store = DynamoStore(table, endpoint_url=dynamodb_local)
    try:
        secret, companion, watch_key = banner_of_first_serve(env, port, tmp_path / "serve.log")
        assert secret.startswith("cw_")

        words = shlex.split(companion)
        assignments = dict(word.split("=", 1) for word in words if "=" in word and not word.startswith("-"))
        assert words[len(assignments):len(assignments) + 2] == [program(), "companion"]
        url = words[words.index("--url") + 1]
        connection = resolve(url=url, env={**assignments, "XDG_CONFIG_HOME": str(tmp_path / "no-config")})
        assert connection.key == secret and connection.url == f"http://127.0.0.1:{port}"

        made = subprocess.run(["bash", "-c", watch_key], env=another_terminal(), capture_output=True, text=True,
                              timeout=60)
        assert made.returncode == 0, made.stderr
        key = made.stdout.splitlines()[-1]
        assert key[:11] in [k.prefix for k in store.list_keys(limit=50).items]  # in DynamoDB, not SQLite
        assert "local" in watch_key and "AWS_SECRET_ACCESS_KEY=local" in watch_key
    finally:
        drop_table(store)


def test_the_sqlite_runs_printed_commands_name_nothing_it_does_not_need(tmp_path: Path) -> None:
    env = {**another_terminal(), "CRYPTOWATCH_DATA_DIR": str(tmp_path)}
    port = free_port()
    secret, companion, watch_key = banner_of_first_serve(env, port, tmp_path / "serve.log")
    me = program()  # `.venv/bin/cryptowatch` unless the venv is on PATH
    assert companion == f"CRYPTOWATCH_DATA_DIR={tmp_path} {me} companion --url http://127.0.0.1:{port}"
    assert watch_key == f"CRYPTOWATCH_DATA_DIR={tmp_path} {me} keys create --scope watch --label 'my watch'"
    made = subprocess.run(["bash", "-c", watch_key], env=another_terminal(), capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "cryptowatch.db").is_file()
