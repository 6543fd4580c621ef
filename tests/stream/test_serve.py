"""`cryptowatch serve --stream` as an operator runs it: the API, the updater and the live stream;
/health and /admin/stats say whether alerts are watched live, and a crossing is mailed within
seconds. `cryptowatch stream` alone stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.ids import now
from shared.models import Condition, StreamState
from shared.store.sqlite import SQLiteStore
from shared.users import create_user
from tests.api.test_cli import stop, updater_children
from tests.support.binance_stream import FakeBinanceStream, running_binance_stream
from tests.support.server import free_port
from tests.support.smtp import smtp_server
from tests.support.wait import wait_for


def environment(data_dir: Path, fake: FakeBinanceStream, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "CRYPTOWATCH_DATA_DIR": str(data_dir),
        "BINANCE_WS_URL": fake.url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_STARTTLS": "false",
        "STREAM_REFRESH_SECONDS": "0.5",
        "MAX_PRICE_JUMP": "1000",  # the demo's simulated prices are the reference for the jump check
    }


def make_alert(data_dir: Path, target: float) -> None:
    settings = Settings.from_env({"CRYPTOWATCH_DATA_DIR": str(data_dir)})
    store = SQLiteStore(settings.sqlite_path)
    store.init()
    user = create_user(store, email="ada@example.com", name="Ada")
    store.create_alert(new_alert(AlertSpec("BTC", Condition.ABOVE, target), user, settings, now()))
    store.close()


def health(url: str) -> dict[str, object] | None:
    try:
        return httpx.get(url + "/health", timeout=2).json()
    except httpx.TransportError:
        return None


def test_serve_with_the_stream_reports_it_and_mails_a_crossing(tmp_path: Path) -> None:
    make_alert(tmp_path, 10_000_000.0)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running_binance_stream() as fake, smtp_server() as mailbox, (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "serve", "--source", "demo", "--stream", "--port", str(port)],
            env=environment(tmp_path, fake, mailbox.port), stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_for(lambda: ((health(url) or {}).get("stream") or {}).get("state") == "live", timeout=30,
                     what="/health to show the stream live")
            assert len(updater_children(process.pid)) == 2  # the updater and the stream
            view = health(url)["stream"]  # type: ignore[index]
            assert view["alerts"] == "stream" and view["streams"] == 1  # type: ignore[index]
            admin_key = (tmp_path / "admin.key").read_text().strip()
            stats = httpx.get(url + "/admin/stats", headers={"X-API-Key": admin_key}, timeout=5).json()
            assert stats["stream"]["state"] == "live" and stats["stream"]["reconnects"] == 0

            wait_for(lambda: fake.subscriptions() == {"btcusdt@miniTicker"}, what="the subscription")
            fake.tick("BTCUSDT", 10_000_100.0)
            wait_for(lambda: len(mailbox.received()) == 1, timeout=10, what="the alert email")
            assert mailbox.received()[0]["Subject"] == "BTC is above 10000000 USD: now 10000100 USD"
        finally:
            stop(process)


def test_the_stream_alone_says_it_stopped_when_terminated(tmp_path: Path) -> None:
    make_alert(tmp_path, 200_000.0)
    with running_binance_stream() as fake, smtp_server() as mailbox:
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "stream"], env=environment(tmp_path, fake, mailbox.port),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        store = SQLiteStore(Settings.from_env({"CRYPTOWATCH_DATA_DIR": str(tmp_path)}).sqlite_path)
        try:
            wait_for(lambda: fake.subscriptions() == {"btcusdt@miniTicker"}, timeout=30, what="the subscription")
            process.send_signal(signal.SIGTERM)
            _, errors = process.communicate(timeout=30)
            assert process.returncode == 0, errors
            status = store.stream_status()
            assert status is not None and status.state == StreamState.STOPPED
            assert status.current(now() + 3600) == StreamState.STOPPED
            wait_for(lambda: fake.live() == 0, timeout=10, what="the exchange to see the connection closed")
        finally:
            if process.poll() is None:
                process.kill()
            store.close()
