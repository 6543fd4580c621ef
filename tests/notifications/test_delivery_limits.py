"""What one receiver or one user can cost everyone else: a stalled webhook receiver, a huge
answer body, one user's flood of alerts. Against real local receivers, a real SMTP server and
the fake upstream, through the real cycle."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from dataclasses import replace

import httpx
import pytest

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.ids import now
from shared.models import Channel, Condition, NotificationStatus, User
from shared.store.base import Store
from shared.users import create_user
from tests.notifications.conftest import fire, make_alert
from tests.reliability.conftest import live_api
from tests.support.smtp import Mailbox
from tests.support.webhook import trickling_receiver, webhook_receiver
from updater.cycle import run_cycle
from updater.loop import run_loop
from updater.notify.outbox import OutboxDelivery

#: A 200 whose body never ends, and headers that never end.
ANSWERS_200_THEN_TRICKLES = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
HEADERS_TRICKLE = b"HTTP/1.1 200 OK\r\nX-Slow: "


def webhook_alert(store: Store, settings: Settings, user: User, url: str, **options: object) -> None:
    """An alert that fires on the fake upstream's BTC price (99,000)."""
    make_alert(store, settings, user, Condition.BELOW, 100_000.0, channel=Channel.WEBHOOK, destination=url, **options)


def test_a_200_that_trickles_its_body_is_delivered_at_once(
    notify_settings: Settings, store: Store, user: User
) -> None:
    """Only the status counts: a 2xx answer's body is never waited for."""
    with trickling_receiver(ANSWERS_200_THEN_TRICKLES, every=0.3) as trickler:
        webhook_alert(store, notify_settings, user, trickler.url)
        started = time.monotonic()
        status = asyncio.run(run_cycle(notify_settings, store))
        took = time.monotonic() - started

    assert status.ok and trickler.served == 1
    assert took < 2.0
    [record] = store.list_notifications().items
    assert record.status == NotificationStatus.SENT


def test_a_receiver_that_never_finishes_answering_costs_one_deadline(
    notify_settings: Settings, store: Store, user: User
) -> None:
    """A byte every 0.3 s keeps any per-read timeout from firing; the delivery's overall
    deadline ends it, and it is a failed attempt, retried later. The receiver's other
    notifications are not tried in that run (they would each cost a deadline too)."""
    settings = replace(notify_settings, notification_deadline_seconds=1.0)
    with trickling_receiver(HEADERS_TRICKLE, every=0.3) as trickler:
        for _ in range(3):
            webhook_alert(store, settings, user, trickler.url)
        started = time.monotonic()
        status = asyncio.run(run_cycle(settings, store))
        took = time.monotonic() - started

    assert status.ok and trickler.served == 1
    assert 1.0 <= took < 2.5
    tried, *untouched = sorted(store.list_notifications().items, key=lambda n: -n.attempts)
    assert (tried.status, tried.attempts) == (NotificationStatus.PENDING, 1)
    assert tried.last_error == "webhook: no complete answer within 1 s (NOTIFICATION_DEADLINE_SECONDS)"
    assert tried.next_attempt_at >= now() + 50  # backoff, not the next cycle again
    assert [(n.attempts, n.last_error) for n in untouched] == [(0, None), (0, None)]
    assert all(n.next_attempt_at <= now() for n in untouched)  # still due: the next run tries


def test_the_deadline_is_at_most_a_third_of_the_update_interval(
    notify_settings: Settings, store: Store, user: User
) -> None:
    """NOTIFICATION_DEADLINE_SECONDS=10 with a 3 s interval would let one delivery outlast the
    next tick: it is cut to 1 s."""
    settings = replace(notify_settings, update_interval_seconds=3, notification_deadline_seconds=10.0)
    with trickling_receiver(HEADERS_TRICKLE, every=0.3) as trickler:
        webhook_alert(store, settings, user, trickler.url)
        started = time.monotonic()
        asyncio.run(run_cycle(settings, store))
        took = time.monotonic() - started

    assert took < 2.5
    [record] = store.list_notifications().items
    assert record.last_error == "webhook: no complete answer within 1 s (NOTIFICATION_DEADLINE_SECONDS)"


def test_a_stalled_receiver_never_stops_the_price_refresh(
    notify_settings: Settings, store: Store, user: User
) -> None:
    """The local loop with a 2 s interval and a receiver that trickles for 30 s: cycles keep
    coming on time and /health stays fresh the whole while."""
    settings = replace(notify_settings, update_interval_seconds=2, notification_deadline_seconds=1.0)
    with trickling_receiver(HEADERS_TRICKLE, every=0.3) as trickler, live_api(settings, store) as live:
        webhook_alert(store, settings, user, trickler.url, repeat=True, cooldown_seconds=60)

        async def run_for(seconds: float) -> int:
            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(seconds, stop.set)
            return await run_loop(settings, store, stop)

        started = time.time()
        completed = asyncio.run(run_for(6.5))
        health = httpx.get(f"{live.url}/health")

    assert trickler.served >= 1
    assert completed >= 3  # a cycle now, then at every 2 s tick
    last = store.update_status()
    assert last is not None and last.ok and last.finished_at >= started + 3
    assert health.status_code == 200 and health.json()["status"] == "ok"


@pytest.mark.parametrize("status", [200, 500])
def test_a_huge_answer_body_is_not_read(notify_settings: Settings, store: Store, user: User, status: int) -> None:
    """A receiver answering with 200 MB: the updater's memory does not grow with it (traced
    while delivering), and what it keeps of a failed answer is a short excerpt."""
    with webhook_receiver(status=status) as receiver:
        receiver.answer_bytes = 200 * 1024 * 1024
        webhook_alert(store, notify_settings, user, receiver.url)
        assert fire(store, 99_000.0) == 1
        tracemalloc.start()
        try:
            sent = asyncio.run(OutboxDelivery().deliver(store, notify_settings, now()))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert sent == (1 if status == 200 else 0)
    assert peak < 16 * 1024 * 1024
    [record] = store.list_notifications().items
    if status == 500:
        assert record.last_error is not None and record.last_error.startswith("webhook answered 500: xxxx")
        assert len(record.last_error) < 300


def test_one_users_flood_does_not_make_another_user_wait(
    notify_settings: Settings, store: Store, user: User, mailbox: Mailbox
) -> None:
    """150 repeating alerts of one user fire at once, to a slow receiver; another user's one
    alert fired after them. That user's email goes out in the same run, within a second."""
    bob = create_user(store, email="bob@example.com", name="Bob")
    with webhook_receiver() as receiver:
        receiver.delay = 0.2
        spec = AlertSpec("BTC", Condition.BELOW, 100_000.0, channel=Channel.WEBHOOK,
                         destination=receiver.url, repeat=True)
        for _ in range(150):  # made before MAX_ALERTS_PER_USER, or with it raised
            store.create_alert(new_alert(spec, user, notify_settings, now()))
        make_alert(store, notify_settings, bob, Condition.BELOW, 100_000.0)
        assert fire(store, 99_000.0) == 151

        started = now()
        asyncio.run(OutboxDelivery(budget_seconds=1.0).deliver(store, notify_settings, started))
        flood_sent = len(receiver.received())

    [bobs] = [n for n in store.list_notifications(limit=200).items if n.user_id == bob.id]
    assert bobs.status == NotificationStatus.SENT and bobs.sent_at is not None
    assert bobs.sent_at - started <= 2  # among the first sent, not after the flood
    [email] = mailbox.received()
    assert email["To"] == "bob@example.com"
    assert 3 <= flood_sent < 150  # the flood goes on (one request at a time), within the budget
