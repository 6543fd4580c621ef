"""The `cryptowatch` command as a new user drives it: init, keys, serve's first start, and serve
watching its updater child."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api.updater_process import START_SECONDS
from shared.store.dynamodb import DynamoStore
from tests.support.dynamodb_local import drop_table, fresh_table_name
from tests.support.server import free_port


def cryptowatch(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", *args],
        env={**os.environ, "CRYPTOWATCH_DATA_DIR": str(data_dir), **env},
        capture_output=True, text=True, timeout=60,
    )


def test_init_is_idempotent(tmp_path: Path) -> None:
    for _ in range(2):
        result = cryptowatch(tmp_path, "init")
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "cryptowatch.db").is_file()


@pytest.mark.dynamodb
def test_init_on_dynamodb_makes_the_table_with_its_index_and_ttl_and_can_run_again(
    tmp_path: Path, dynamodb_local: str
) -> None:
    table = fresh_table_name()
    store = DynamoStore(table, endpoint_url=dynamodb_local)
    try:
        for _ in range(2):
            result = cryptowatch(tmp_path, "init", DYNAMODB_TABLE_NAME=table, AWS_ENDPOINT_URL_DYNAMODB=dynamodb_local)
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip() == f"store ready: DynamoDB table {table}"

        described = store.client.describe_table(TableName=table)["Table"]
        ttl = store.client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        assert [(k["AttributeName"], k["KeyType"]) for k in described["KeySchema"]] == [("pk", "HASH"), ("sk", "RANGE")]
        (index,) = described["GlobalSecondaryIndexes"]
        assert index["IndexName"] == "gsi1" and index["Projection"]["ProjectionType"] == "ALL"
        assert [k["AttributeName"] for k in index["KeySchema"]] == ["gsi1pk", "gsi1sk"]
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}
        assert not (tmp_path / "cryptowatch.db").exists()  # no SQLite file on the side
    finally:
        drop_table(store)


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    created = cryptowatch(tmp_path, "keys", "create", "--scope", "watch", "--user", "ada@example.com",
                          "--label", "wrist")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("cw_") and " " not in secret
    listing = cryptowatch(tmp_path, "keys", "list").stdout
    assert secret[:11] in listing and "wrist" in listing
    assert secret not in listing
    revoked = cryptowatch(tmp_path, "keys", "revoke", secret[:11])
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in revoked.stdout
    missing = cryptowatch(tmp_path, "keys", "revoke", "cw_nothing")
    assert missing.returncode == 1
    assert "no key" in missing.stderr and "Traceback" not in missing.stderr


def test_keys_expire_after_whole_days_and_zero_is_refused(tmp_path: Path) -> None:
    for bad in ("0", "-3", "1.5", "never"):
        refused = cryptowatch(tmp_path, "keys", "create", "--expires-in-days", bad)
        assert refused.returncode == 2
        assert f"argument --expires-in-days: expected a whole number from 1 to 36500, not '{bad}'" in refused.stderr
    assert cryptowatch(tmp_path, "keys", "list").stdout.splitlines()[1:] == []  # no key was made

    made = cryptowatch(tmp_path, "keys", "create", "--expires-in-days", "2", "--label", "two days")
    assert made.returncode == 0, made.stderr
    row = next(line for line in cryptowatch(tmp_path, "keys", "list").stdout.splitlines() if "two days" in line)
    created, expires = (datetime.strptime(" ".join(row.split()[i:i + 2]), "%Y-%m-%d %H:%M") for i in (3, 5))
    assert expires - created == timedelta(days=2)


def test_bad_configuration_is_one_clear_line(tmp_path: Path) -> None:
    result = cryptowatch(tmp_path, "init", RATE_LIMIT_PER_MINUTE="lots")
    assert result.returncode == 2
    assert "RATE_LIMIT_PER_MINUTE" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_symbol_ids_value_stops_serve_before_it_starts(tmp_path: Path) -> None:
    result = cryptowatch(tmp_path, "serve", "--source", "demo", "--port", str(free_port()), SYMBOL_IDS="BTC")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "cryptowatch: configuration error: SYMBOL_IDS='BTC' is not valid: expected SYMBOL=coingecko-id pairs "
        "separated by commas, like FOO=foo-coin,BAR=bar (bad: 'BTC')"
    ]
    assert not (tmp_path / "admin.key").exists()


def start_serve(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "serve", "--source", "demo", "--port", str(port)],
            env={**os.environ, "CRYPTOWATCH_DATA_DIR": str(data_dir)},
            stdout=out, stderr=subprocess.STDOUT,
        )


def wait_for_prices(url: str, key: str, process: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            response = httpx.get(url + "/v1/prices?symbols=BTC,ETH", headers={"X-API-Key": key}, timeout=2)
            if response.status_code == 200 and response.json()["p"]:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("no prices within 60 s")


def updater_children(pid: int) -> list[int]:
    """PIDs of `python -m updater` processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"updater" in command:
                found.append(int(entry.name))
    return found


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as a service manager sends it: serve must stop its updater child too."""
    children = updater_children(process.pid)
    assert children, "serve did not start an updater"
    process.terminate()
    process.wait(timeout=30)
    deadline = time.monotonic() + 15
    while any(Path(f"/proc/{child}").exists() for child in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = [child for child in children if Path(f"/proc/{child}").exists()]
    for child in alive:  # never leave our own processes behind, even when the test fails
        os.kill(child, 9)
    assert not alive, "the updater outlived serve"


def test_first_serve_prints_an_admin_key_once_and_serves_demo_prices(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first_log = tmp_path / "first.log"
    process = start_serve(tmp_path, port, first_log)
    try:
        deadline = time.monotonic() + 30
        while "cw_" not in first_log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        admin_key = next(w for w in first_log.read_text().split() if w.startswith("cw_"))
        assert (tmp_path / "admin.key").read_text().strip() == admin_key
        assert oct((tmp_path / "admin.key").stat().st_mode & 0o777) == "0o600"
        body = wait_for_prices(url, admin_key, process).json()
        assert set(body["p"]) == {"BTC", "ETH"}
        assert body["d"] == 1  # the demo's prices are marked as simulated
    finally:
        stop(process)
    second_log = tmp_path / "second.log"
    process = start_serve(tmp_path, free_port(), second_log)
    try:
        time.sleep(3)
        assert process.poll() is None
    finally:
        stop(process)
    assert "cw_" not in second_log.read_text()


def wait_for_api_and_updater(url: str, process: subprocess.Popen[bytes]) -> int:
    """The updater child's PID, once the API answers."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        children = updater_children(process.pid)
        try:
            if children and httpx.get(url + "/openapi.json", timeout=2).status_code == 200:
                return children[0]
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("serve did not come up within 30 s")


def test_an_updater_dying_at_start_stops_serve_with_a_clear_message(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    process = start_serve(tmp_path, port, log)
    try:
        os.kill(wait_for_api_and_updater(f"http://127.0.0.1:{port}", process), signal.SIGKILL)
        assert process.wait(timeout=30) == 1
    finally:
        if process.poll() is None:
            stop(process)
    assert re.fullmatch(
        r"cryptowatch serve: the updater was killed by SIGKILL \d+\.\d s after it started "
        r"\(its message, if any, is above\), so the API was stopped too",
        log.read_text().splitlines()[-1],
    )
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)


def test_an_updater_dying_after_it_ran_is_restarted_while_the_api_keeps_serving(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    process = start_serve(tmp_path, port, log)
    try:
        first = wait_for_api_and_updater(url, process)
        time.sleep(START_SECONDS + 0.5)  # it has run fine
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while updater_children(process.pid) in ([], [first]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.poll() is None
        assert [child for child in updater_children(process.pid) if child != first], "no new updater"
        assert not Path(f"/proc/{first}").exists()  # reaped, not left defunct
        assert httpx.get(url + "/health", timeout=5).status_code == 200
    finally:
        stop(process)
    assert re.search(r"the updater was killed by SIGKILL after \d+ s; restarting it in 1 s", log.read_text())
