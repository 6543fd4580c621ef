"""Webhook alerts: signed POSTs to a real local receiver, retried until it accepts."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from dataclasses import replace

from shared.config import Settings
from shared.ids import now
from shared.models import Channel, Condition, NotificationStatus, User
from shared.store.base import Store
from shared.users import create_user
from tests.notifications.conftest import fire, make_alert
from tests.support.webhook import webhook_receiver
from updater.notify.outbox import Backoff, OutboxDelivery

TOLERANCE_SECONDS = 300


def genuine(secret: str, headers: dict[str, str], raw_body: bytes) -> bool:
    """The receiver's check, as docs/admin-api.md gives it."""
    timestamp = headers["x-cryptowatch-timestamp"]
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    signed = timestamp.encode() + b"." + raw_body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["x-cryptowatch-signature"])


def test_the_webhook_is_signed_with_the_users_secret(notify_settings: Settings, store: Store, user: User) -> None:
    with webhook_receiver() as receiver:
        alert = make_alert(
            store,
            notify_settings,
            user,
            Condition.BELOW,
            60_000.0,
            channel=Channel.WEBHOOK,
            destination=receiver.url,
        )
        assert fire(store, 59_999.5) == 1
        assert asyncio.run(OutboxDelivery().deliver(store, notify_settings, now())) == 1
        [delivery] = receiver.received()
    assert user.webhook_secret
    assert genuine(user.webhook_secret, delivery.headers, delivery.body)
    assert not genuine("another-secret-0123456789", delivery.headers, delivery.body)
    assert not genuine(user.webhook_secret, delivery.headers, delivery.body + b" ")
    body_only = "sha256=" + hmac.new(user.webhook_secret.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers["x-cryptowatch-signature"] != body_only  # the timestamp is signed too
    replayed = {**delivery.headers, "x-cryptowatch-timestamp": str(int(time.time()) + 1)}
    assert not genuine(user.webhook_secret, replayed, delivery.body)
    stale = {**delivery.headers, "x-cryptowatch-timestamp": str(int(time.time()) - TOLERANCE_SECONDS - 5)}
    assert not genuine(user.webhook_secret, stale, delivery.body)
    assert delivery.headers["content-type"] == "application/json"
    assert abs(int(delivery.headers["x-cryptowatch-timestamp"]) - time.time()) < 60
    payload = json.loads(delivery.body)
    assert (payload["alert_id"], payload["symbol"], payload["condition"]) == (alert.id, "BTC", "below")
    assert (payload["target"], payload["price"]) == (60_000.0, 59_999.5)
    [record] = store.list_notifications(alert_id=alert.id).items
    assert delivery.headers["x-cryptowatch-delivery"] == record.id
    assert record.status == NotificationStatus.SENT


def test_the_global_secret_signs_for_users_without_one(notify_settings: Settings, store: Store) -> None:
    settings = replace(notify_settings, webhook_secret="global-secret-abcdef")
    bob = create_user(store, email="bob@example.com", name="Bob")
    with webhook_receiver() as receiver:
        make_alert(store, settings, bob, Condition.PCT_MOVE, 5.0, channel=Channel.WEBHOOK, destination=receiver.url)
        assert fire(store, 99_000.0, change=-7.5) == 1
        asyncio.run(OutboxDelivery().deliver(store, settings, now()))
        [delivery] = receiver.received()
    assert genuine("global-secret-abcdef", delivery.headers, delivery.body)
    assert "-7.50%" in json.loads(delivery.body)["message"]


def test_a_failing_receiver_is_retried_with_the_same_delivery_id(
    notify_settings: Settings, store: Store, user: User
) -> None:
    delivery = OutboxDelivery(backoff=Backoff(base_seconds=30))
    with webhook_receiver(status=503) as receiver:
        make_alert(store, notify_settings, user, channel=Channel.WEBHOOK, destination=receiver.url)
        fire(store, 100_001.0)
        at = now()
        assert asyncio.run(delivery.deliver(store, notify_settings, at)) == 0
        [record] = store.list_notifications().items
        assert record.status == NotificationStatus.PENDING and record.last_error == "webhook answered 503"
        assert record.next_attempt_at >= at + 30
        assert asyncio.run(delivery.deliver(store, notify_settings, at + 1)) == 0  # not due yet
        receiver.status = 200
        assert asyncio.run(delivery.deliver(store, notify_settings, record.next_attempt_at)) == 1
        attempts = receiver.received()
    assert len(attempts) == 2
    assert attempts[0].headers["x-cryptowatch-delivery"] == attempts[1].headers["x-cryptowatch-delivery"]
    assert attempts[0].body == attempts[1].body
    assert store.list_notifications(status=NotificationStatus.SENT).items[0].id == record.id


def test_a_slow_receiver_spends_the_time_budget_and_the_rest_waits(
    notify_settings: Settings, store: Store, user: User
) -> None:
    delivery = OutboxDelivery(budget_seconds=0.5, concurrency=1)
    with webhook_receiver() as receiver:
        receiver.delay = 0.3
        for i in range(5):
            make_alert(
                store, notify_settings, user, target=1_000.0 + i, channel=Channel.WEBHOOK, destination=receiver.url
            )
        assert fire(store, 50_000.0) == 5
        first = asyncio.run(delivery.deliver(store, notify_settings, now()))
        assert 1 <= first <= 2
        untouched = store.list_notifications(status=NotificationStatus.PENDING).items
        assert len(untouched) == 5 - first and all(n.attempts == 0 for n in untouched)
        receiver.delay = 0.0
        rest = asyncio.run(delivery.deliver(store, notify_settings, now()))
    assert first + rest == 5 and len(receiver.received()) == 5


def test_a_private_target_is_refused_at_delivery_without_the_setting(
    notify_settings: Settings, store: Store, user: User
) -> None:
    """An alert made while private targets were allowed (or a name that resolves to one) is not
    delivered once they are not: the check runs on the resolved addresses, at delivery."""
    strict = replace(notify_settings, webhook_allow_private=False)
    with webhook_receiver() as receiver:
        for url in (receiver.url, f"http://localhost:{receiver.port}/hook"):
            make_alert(store, notify_settings, user, channel=Channel.WEBHOOK, destination=url)
        assert fire(store, 100_001.0) == 2
        assert asyncio.run(OutboxDelivery().deliver(store, strict, now())) == 0
        assert receiver.received() == []
    errors = sorted(str(n.last_error) for n in store.list_notifications().items)
    assert "webhook host 127.0.0.1 resolves to 127.0.0.1, which is not a public address" in errors[0]
    assert errors[1].startswith("webhook host localhost resolves to ") and "WEBHOOK_ALLOW_PRIVATE" in errors[1]


def test_a_host_name_is_sent_in_the_host_header_to_the_address_checked(
    notify_settings: Settings, store: Store, user: User
) -> None:
    with webhook_receiver() as receiver:
        port = receiver.port
        make_alert(store, notify_settings, user, channel=Channel.WEBHOOK, destination=f"http://localhost:{port}/hook")
        fire(store, 100_001.0)
        assert asyncio.run(OutboxDelivery().deliver(store, notify_settings, now())) == 1
        [delivery] = receiver.received()
    assert delivery.headers["host"] == f"localhost:{port}"
