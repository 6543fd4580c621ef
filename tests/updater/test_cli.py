"""`cryptowatch update`: one-line summaries, exit codes, and the loop as a real child process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared.errors import StoreUnavailable
from shared.models import UpdateStatus
from shared.store.sqlite import SQLiteStore
from tests.support.fake_upstream import FakeUpstream, Fault
from updater.cli import update_command


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CRYPTOWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SUPPORTED_SYMBOLS", "BTC,ETH")
    return tmp_path


@pytest.fixture
def upstream_env(fake: FakeUpstream, monkeypatch: pytest.MonkeyPatch) -> FakeUpstream:
    monkeypatch.setenv("EXTERNAL_API_URL", f"{fake.url}/api/v3")
    monkeypatch.setenv("BINANCE_API_URL", fake.url)
    return fake


def stored_status(data_dir: Path) -> UpdateStatus | None:
    store = SQLiteStore(data_dir / "cryptowatch.db")
    try:
        return store.update_status()
    finally:
        store.close()


def test_once_with_the_demo_source_prints_a_summary(data_dir: Path, capsys) -> None:
    assert update_command(["--once", "--source", "demo"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"updated 2 symbols from demo \(simulated\) in \d+\.\d s\n", out)
    status = stored_status(data_dir)
    assert status is not None and status.ok and status.source == "demo (simulated)"


def test_once_says_when_the_fallback_saved_the_cycle(data_dir: Path, upstream_env: FakeUpstream, capsys) -> None:
    upstream_env.fail("coingecko", Fault.error(401))
    assert update_command(["--once"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"updated 2 symbols from binance in \d+\.\d s \(passed over: coingecko: HTTP 401: .*\)\n",
        out,
    )


def test_once_exits_non_zero_when_the_cycle_failed(data_dir: Path, upstream_env: FakeUpstream, capsys) -> None:
    upstream_env.fail("coingecko", Fault.error(403))
    upstream_env.fail("binance", Fault.error(451))
    assert update_command(["--once"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(
        r"update failed after \d+\.\d s \(tried coingecko,binance\): coingecko: HTTP 403: .*; "
        r"binance: HTTP 451: .*\n",
        captured.err,
    )
    status = stored_status(data_dir)
    assert status is not None and not status.ok and status.last_success_at is None


def test_a_bad_symbol_ids_value_stops_before_any_work(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("SYMBOL_IDS", "BTC")
    assert update_command(["--once", "--source", "demo"]) == 2
    assert "configuration error: SYMBOL_IDS='BTC' is not valid" in capsys.readouterr().err
    assert not (data_dir / "cryptowatch.db").exists()


def test_price_source_binance_is_accepted_as_update_source_binance_is(
    data_dir: Path, upstream_env: FakeUpstream
) -> None:
    upstream_env.fail("coingecko", Fault.error(500))  # asked at all, this would show in the summary
    result = subprocess.run(
        [sys.executable, "-m", "shared.cli", "update", "--once"],
        env={**os.environ, "PRICE_SOURCE": "binance"}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"updated 2 symbols from binance in \d+\.\d s\n", result.stdout)


def test_once_or_loop_is_required(data_dir: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        update_command([])
    assert exit_.value.code == 2
    assert "one of the arguments --once --loop is required" in capsys.readouterr().err


def first_status_written(data_dir: Path) -> bool:
    """False until the child has made the schema and finished a cycle."""
    if not (data_dir / "cryptowatch.db").exists():
        return False
    try:
        return stored_status(data_dir) is not None
    except StoreUnavailable:  # the schema is still being made
        return False


def test_python_m_updater_loop_runs_cycles_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CRYPTOWATCH_DATA_DIR": str(tmp_path),
        "SUPPORTED_SYMBOLS": "BTC,ETH,SOL",
        "UPDATE_INTERVAL_SECONDS": "1",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "updater", "--loop", "--source", "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while not first_status_written(tmp_path):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the loop wrote no status in time"
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert "updated 3 symbols from demo (simulated)" in err
    assert re.search(r"updater stopped after \d+ cycles", err)
    status = stored_status(tmp_path)
    assert status is not None and status.ok and status.symbols_updated == 3
