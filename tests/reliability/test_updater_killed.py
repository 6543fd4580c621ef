"""The updater SIGKILLed mid-cycle, again and again, then restarted: no corrupt row, prices
intact, every trigger with exactly one notification and none of them lost, and /health telling
the truth while the updater is dead and after it is back.

The updater runs as `cryptowatch serve` runs it: `python -m updater --loop`, a child process
(started here and killed by its PID), on the fake upstream and a real SMTP server, every second,
with BTC climbing through a ladder of alerts. Kills land at random points (a fixed seed), once
while a fetch is in flight, and once while an email is being handed to SMTP."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.ids import now
from shared.models import AlertStatus, Condition, NotificationStatus
from shared.store.sqlite import SQLiteStore
from tests.reliability.conftest import live_api
from tests.support.fake_upstream import FakeUpstream, Fault, running_fake_upstream
from tests.support.server import silent_listener
from tests.support.smtp import Mailbox, smtp_server
from tests.support.wait import wait_for
from updater.notify.outbox import OutboxDelivery

SYMBOLS = ("BTC", "ETH", "SOL")
RANDOM_KILLS = 5
SEED = 20_261_122
LADDER = [60_000.0 + 250 * step for step in range(80)]  # one-shot "BTC above" targets
LEASE_SECONDS = 300  # OutboxDelivery's default: a claimed email is retried after this


class Updater:
    """`python -m updater --loop` as a child process of this test."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self.settings = settings
        self.log = log
        self.child: subprocess.Popen[bytes] | None = None

    def env(self, smtp_port: int) -> dict[str, str]:
        s = self.settings
        return {
            **os.environ,
            "CRYPTOWATCH_DATA_DIR": str(s.data_dir),
            "SUPPORTED_SYMBOLS": ",".join(s.supported_symbols),
            "EXTERNAL_API_URL": s.external_api_url,
            "BINANCE_API_URL": s.binance_api_url,
            "UPSTREAM_TIMEOUT_SECONDS": "5",
            "UPDATE_INTERVAL_SECONDS": str(s.update_interval_seconds),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SMTP_STARTTLS": "false",
            "LOG_LEVEL": "WARNING",
        }

    def start(self, smtp_port: int) -> None:
        with self.log.open("ab") as log:
            self.child = subprocess.Popen(
                [sys.executable, "-m", "updater", "--loop"], env=self.env(smtp_port), stdout=log, stderr=log
            )

    def kill(self) -> None:
        assert self.child is not None and self.child.poll() is None, self.log.read_text()[-2000:]
        os.kill(self.child.pid, signal.SIGKILL)
        assert self.child.wait(timeout=10) == -signal.SIGKILL

    def stop(self) -> int:
        assert self.child is not None
        self.child.send_signal(signal.SIGTERM)
        return self.child.wait(timeout=20)

    def ensure_gone(self) -> None:
        if self.child is not None and self.child.poll() is None:
            self.child.kill()
            self.child.wait(timeout=10)


def climb(fake: FakeUpstream, btc: float) -> None:
    fake.set_price("BTC", usd=btc, change=1.0)
    fake.set_price("ETH", usd=3_400.0, change=-0.5)
    fake.set_price("SOL", usd=170.0, change=2.0)


def test_an_updater_killed_mid_cycle_loses_and_corrupts_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    with running_fake_upstream() as fake, smtp_server() as mailbox, silent_listener() as (stall_port, stalled):
        settings = replace(
            fake.settings(tmp_path),
            supported_symbols=SYMBOLS,
            update_interval_seconds=1,
            cache_ttl_seconds=0,
            smtp_host="127.0.0.1",
            smtp_port=mailbox.port,
            smtp_starttls=False,
        )
        store = SQLiteStore(settings.sqlite_path)
        store.init()
        with live_api(settings, store) as live:
            owner = store.get_user_by_email("owner@example.com")
            assert owner is not None
            for target in LADDER:
                store.create_alert(new_alert(AlertSpec("BTC", Condition.ABOVE, target), owner, settings, now()))
            updater = Updater(settings, tmp_path / "updater.log")
            try:
                btc = 60_000.0
                for _ in range(RANDOM_KILLS):  # random points: start-up, fetch, writes, alerts, mail, sleep
                    btc += 2_000
                    climb(fake, btc)
                    updater.start(mailbox.port)
                    time.sleep(rng.uniform(0.6, 2.2))
                    updater.kill()

                asked = len(fake.requests_to("coingecko"))
                fake.fail("coingecko", Fault.timeout(seconds=30), times=1)
                updater.start(mailbox.port)
                wait_for(lambda: len(fake.requests_to("coingecko")) > asked, what="a fetch in flight")
                updater.kill()  # while it waits for the upstream
                fake.clear_faults()

                climb(fake, btc := btc + 2_000)
                updater.start(stall_port)
                wait_for(lambda: bool(stalled), what="an email being handed to an SMTP server that never answers")
                updater.kill()  # after claiming the email, before SMTP took it

                dead_since = store.update_status()
                assert dead_since is not None and dead_since.last_success_at is not None
                wait_for(lambda: now() - dead_since.last_success_at > settings.stale_after_seconds, what="stale")
                health = live.watch.get("/health")
                assert (health.status_code, health.json()["status"]) == (503, "stale")
                assert health.json()["prices_age_seconds"] == now() - dead_since.last_success_at

                restarted = now()
                updater.start(mailbox.port)
                wait_for(lambda: fresh_cycle_done(store, restarted) and not store.due_notifications(now()),
                         what="a clean cycle and every due email sent")
                assert updater.stop() == 0
            finally:
                updater.ensure_gone()

            health = live.watch.get("/health").json()
            status = store.update_status()
            assert status is not None and health["status"] == "ok"
            assert health["last_update"]["finished_at"] == status.finished_at and status.ok

            # The email claimed by the killed sender waits out its lease, then goes like any other.
            asyncio.run(OutboxDelivery().deliver(store, settings, now() + LEASE_SECONDS + 1))

        assert_store_intact(store, settings)
        assert_every_trigger_notified_once(store, mailbox, final_btc=btc)
        store.close()


def fresh_cycle_done(store: SQLiteStore, since: int) -> bool:
    status = store.update_status()
    return status is not None and status.ok and status.started_at >= since


def assert_store_intact(store: SQLiteStore, settings: Settings) -> None:
    with contextlib.closing(sqlite3.connect(settings.sqlite_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for point in store.latest_prices():
        assert math.isfinite(point.price) and point.price > 0
        newest = store.price_history(point.symbol, point.currency, 0, 2**40, limit=1)
        assert newest == [point]  # the latest row and its history written together or not at all
    status = store.update_status()
    assert status is not None and status.started_at <= status.finished_at


def assert_every_trigger_notified_once(store: SQLiteStore, mailbox: Mailbox, final_btc: float) -> None:
    alerts = store.list_alerts(limit=500).items
    notifications = store.list_notifications(limit=500).items
    per_alert = Counter(n.alert_id for n in notifications)
    fired = [a for a in alerts if a.status == AlertStatus.TRIGGERED]
    # No alert lost: exactly the rungs the climb reached fired ("above" includes its target).
    assert sorted(a.target for a in fired) == [target for target in LADDER if target <= final_btc]
    for alert in alerts:
        expected = 1 if alert.status == AlertStatus.TRIGGERED else 0
        assert (alert.trigger_count, per_alert[alert.id]) == (expected, expected), alert
    assert {n.status for n in notifications} == {NotificationStatus.SENT}
    # Message-ID is <time.pid.random.NOTIFICATION_ID@cryptowatch>: one per outbox record.
    delivered = Counter(str(m["Message-ID"]).split("@")[0].rsplit(".", 1)[-1] for m in mailbox.received())
    assert {n.id for n in notifications} <= set(delivered)  # every notification reached the mailbox
    # At least once: only a kill between SMTP's "250 OK" and the outbox update sends one twice.
    assert sum(delivered.values()) - len(delivered) <= RANDOM_KILLS
