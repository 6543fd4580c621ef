"""What changes after a trigger does to its notification: cancelling the alert does not recall
it (the price did cross), deleting the user stops delivery to them."""

from __future__ import annotations

import asyncio

from shared.config import Settings
from shared.ids import now
from shared.models import NotificationStatus, User
from shared.store.base import Store
from tests.notifications.conftest import fire, make_alert
from tests.support.smtp import Mailbox
from updater.notify.outbox import OutboxDelivery


def test_a_cancelled_alerts_notification_is_still_sent(
    notify_settings: Settings, store: Store, user: User, mailbox: Mailbox
) -> None:
    alert = make_alert(store, notify_settings, user, repeat=True)
    assert fire(store, 100_500.0, 1.0) == 1
    store.cancel_alert(alert.id)

    assert asyncio.run(OutboxDelivery().deliver(store, notify_settings, now())) == 1

    assert mailbox.recipients == [[user.email]]


def test_nothing_more_is_sent_to_a_deleted_user(
    notify_settings: Settings, store: Store, user: User, mailbox: Mailbox
) -> None:
    make_alert(store, notify_settings, user)
    assert fire(store, 100_500.0, 1.0) == 1
    store.delete_user(user.id, now())

    assert asyncio.run(OutboxDelivery().deliver(store, notify_settings, now() + 3600)) == 0

    assert mailbox.received() == []
    [record] = store.list_notifications().items
    assert (record.status, record.last_error) == (NotificationStatus.FAILED, "not sent: the user was deleted")
    assert store.due_notifications(now() + 10**6) == []
