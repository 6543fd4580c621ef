"""Many overlapping runs (each with its own connection, as separate processes have) race to
trigger and deliver the same alerts: every alert is notified exactly once."""

from __future__ import annotations

import asyncio
import threading

from shared.config import Settings
from shared.ids import now
from shared.models import NotificationStatus, PricePoint, User
from shared.store.base import Store
from shared.store.sqlite import SQLiteStore
from tests.notifications.conftest import make_alert
from tests.support.smtp import Mailbox
from updater.alerts import fire_due_alerts
from updater.notify.outbox import OutboxDelivery

RUNNERS = 6


def test_racing_runs_notify_each_alert_once(
    notify_settings: Settings, store: Store, user: User, mailbox: Mailbox
) -> None:
    alerts = [make_alert(store, notify_settings, user, target=1_000.0 * (i + 1)) for i in range(8)]
    at = now()
    prices = [PricePoint("BTC", "usd", 50_000.0, 1.0, at, "coingecko")]
    start = threading.Barrier(RUNNERS)
    fired: list[int] = []
    errors: list[BaseException] = []

    def runner() -> None:
        own = SQLiteStore(notify_settings.sqlite_path)
        try:
            start.wait(timeout=10)
            fired.append(fire_due_alerts(own, prices, at))
            asyncio.run(OutboxDelivery().deliver(own, notify_settings, at))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=runner) for _ in range(RUNNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sum(fired) == len(alerts)
    assert len(mailbox.received()) == len(alerts)
    sent = store.list_notifications(status=NotificationStatus.SENT, limit=100).items
    assert sorted(n.alert_id for n in sent) == sorted(a.id for a in alerts)
