"""Email alerts end to end: real updater cycles on the fake upstream, a real SMTP server."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from shared.config import Settings
from shared.models import AlertStatus, NotificationStatus, User
from shared.store.base import Store
from shared.store.sqlite import SQLiteStore
from tests.notifications.conftest import make_alert
from tests.support.fake_upstream import FakeUpstream
from tests.support.smtp import Mailbox, self_signed_tls, smtp_server
from updater.alerts import evaluate_alerts
from updater.cycle import run_cycle
from updater.notify.outbox import Backoff, OutboxDelivery
from updater.steps import cycle_steps


def cycle(settings: Settings, store: Store, delivery: OutboxDelivery | None = None) -> None:
    steps = cycle_steps() if delivery is None else [evaluate_alerts, delivery]
    status = asyncio.run(run_cycle(settings, store, "coingecko", steps=steps))
    assert status.ok, status.error


def test_crossing_the_target_sends_exactly_one_email(
    notify_settings: Settings, store: Store, user: User, upstream: FakeUpstream, mailbox: Mailbox
) -> None:
    alert = make_alert(store, notify_settings, user, target=100_000.0)
    cycle(notify_settings, store)
    assert mailbox.received() == []

    upstream.set_price("BTC", usd=100_250.5, change=2.0)
    cycle(notify_settings, store)
    upstream.set_price("BTC", usd=101_000.0, change=2.5)
    cycle(notify_settings, store)

    messages = mailbox.received()
    assert len(messages) == 1
    mail = messages[0]
    assert mail["To"] == "ada@example.com" and mail["From"] == "alerts@cryptowatch.test"
    text = mail["Subject"] + mail.get_content()
    for expected in ("BTC", "100000", "100250.5"):
        assert expected in text
    stored = store.get_alert(alert.id)
    assert stored is not None
    assert (stored.status, stored.trigger_count) == (AlertStatus.TRIGGERED, 1)
    [record] = store.list_notifications(alert_id=alert.id).items
    assert record.status == NotificationStatus.SENT and record.sent_at is not None


def test_an_alert_already_met_at_creation_fires_on_the_next_cycle(
    notify_settings: Settings, store: Store, user: User, mailbox: Mailbox
) -> None:
    make_alert(store, notify_settings, user, target=50_000.0)  # BTC is at 99,000 already
    cycle(notify_settings, store)
    assert len(mailbox.received()) == 1


def test_with_smtp_down_the_email_waits_and_goes_out_once_smtp_is_back(
    notify_settings: Settings, store: Store, user: User, upstream: FakeUpstream, smtp_port: int
) -> None:
    delivery = OutboxDelivery(backoff=Backoff(base_seconds=1, max_seconds=1))
    alert = make_alert(store, notify_settings, user, target=90_000.0)
    cycle(notify_settings, store, delivery)  # nothing listens on the SMTP port

    [waiting] = store.list_notifications(alert_id=alert.id).items
    assert waiting.status == NotificationStatus.PENDING and waiting.attempts == 1
    assert waiting.last_error and "SMTP" in waiting.last_error
    assert waiting.next_attempt_at > waiting.created_at

    with smtp_server(smtp_port) as box:
        sent = asyncio.run(delivery.deliver(store, notify_settings, waiting.next_attempt_at))
        assert sent == 1
        again = asyncio.run(delivery.deliver(store, notify_settings, waiting.next_attempt_at + 60))
        assert again == 0
        assert len(box.received()) == 1
    delivered = store.get_notification(waiting.id)
    assert delivered is not None and delivered.status == NotificationStatus.SENT
    assert delivered.attempts == 2  # the failed attempt and the one that worked


def test_after_the_last_attempt_the_record_is_failed_and_kept(
    notify_settings: Settings, store: Store, user: User
) -> None:
    delivery = OutboxDelivery(backoff=Backoff(base_seconds=10, max_seconds=15))
    make_alert(store, notify_settings, user, target=90_000.0)
    cycle(notify_settings, store, delivery)
    [first] = store.list_notifications().items
    retries = []
    at = first.next_attempt_at
    for _ in range(notify_settings.notification_max_attempts - 1):
        asyncio.run(delivery.deliver(store, notify_settings, at))
        record = store.get_notification(first.id)
        assert record is not None
        retries.append(record.next_attempt_at - at)
        at = max(at, record.next_attempt_at)
    assert record.status == NotificationStatus.FAILED
    assert record.attempts == notify_settings.notification_max_attempts
    assert record.last_error and "SMTP" in record.last_error
    # 10 s after the first attempt (a second or two after the cycle began), then 20 capped at 15
    assert 10 <= first.next_attempt_at - first.created_at <= 13 and retries[0] == 15
    assert store.list_notifications(status=NotificationStatus.FAILED).items[0].id == first.id
    assert asyncio.run(delivery.deliver(store, notify_settings, at + 3600)) == 0


def test_smtp_login_is_used_when_configured(
    notify_settings: Settings, store: Store, user: User, smtp_port: int
) -> None:
    settings = replace(notify_settings, smtp_user="cw", smtp_password="pw-123")
    with smtp_server(smtp_port, login=("cw", "pw-123")) as box:
        make_alert(store, settings, user, target=90_000.0)
        cycle(settings, store)
        assert box.authenticated == [True]


def test_starttls_then_login_against_a_server_that_requires_tls(
    notify_settings: Settings,
    store: Store,
    user: User,
    smtp_port: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server_tls, certificate = self_signed_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # trusted like a real CA's certificate
    settings = replace(notify_settings, smtp_starttls=True, smtp_user="cw", smtp_password="pw-123")
    with smtp_server(smtp_port, login=("cw", "pw-123"), tls=server_tls) as box:
        make_alert(store, settings, user, target=90_000.0)
        cycle(settings, store)
        assert box.authenticated == [True]
        assert "BTC" in box.received()[0]["Subject"]


def test_without_starttls_a_server_that_requires_it_refuses_and_the_mail_waits(
    notify_settings: Settings, store: Store, user: User, smtp_port: int, tmp_path: Path
) -> None:
    server_tls, _ = self_signed_tls(tmp_path)
    with smtp_server(smtp_port, tls=server_tls) as box:
        make_alert(store, notify_settings, user, target=90_000.0)
        cycle(notify_settings, store)  # SMTP_STARTTLS=false here
        assert box.received() == []
    [waiting] = store.list_notifications().items
    assert waiting.status == NotificationStatus.PENDING and "STARTTLS" in (waiting.last_error or "")


def test_two_concurrent_cycles_send_one_email(
    notify_settings: Settings, store: Store, user: User, mailbox: Mailbox
) -> None:
    alerts = [make_alert(store, notify_settings, user, target=90_000.0 + i) for i in range(5)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        own = SQLiteStore(notify_settings.sqlite_path)  # as a second process would have
        try:
            start.wait(timeout=10)
            cycle(notify_settings, own)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(mailbox.received()) == len(alerts)  # one per alert, never two
    for alert in alerts:
        assert len(store.list_notifications(alert_id=alert.id).items) == 1
    assert sorted(m["Subject"] for m in mailbox.received()) == sorted({m["Subject"] for m in mailbox.received()})
