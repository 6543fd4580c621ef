"""A price crossing an alert's target on the live stream fires it within a second, through the
same trigger-plus-outbox write as the cycle, with the email sent at once over real SMTP."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from shared.models import AlertStatus, Condition, NotificationStatus, StreamState
from tests.stream.conftest import Harness, wait_live
from tests.support.stream_runner import running_stream
from tests.support.wait import wait_for
from updater.stream.link import REQUEST_GAP, Link

BTC = "btcusdt@miniTicker"
ETH = "ethusdt@miniTicker"


def test_a_crossing_tick_sends_the_email_at_once(harness_on_every_store: Harness) -> None:
    harness = harness_on_every_store
    alert = harness.alert(100_000.0)
    harness.alert(50_000.0, Condition.BELOW)
    with running_stream(harness.settings, harness.store) as runner:
        wait_live(runner, harness.fake, {BTC})

        harness.fake.tick("BTCUSDT", 99_000.0)
        harness.fake.tick("BTCUSDT", 100_500.0, open_24h=95_000.0)
        wait_for(lambda: len(harness.mails()) == 1, timeout=5, what="the alert email")

        assert harness.mails() == ["BTC is above 100000 USD: now 100500 USD"]
        stored = harness.store.get_alert(alert.id)
        assert stored is not None and stored.status == AlertStatus.TRIGGERED
        [queued] = harness.store.list_notifications(alert_id=alert.id).items
        assert "source: binance stream" in queued.body
        sent = harness.store.get_notification
        wait_for(lambda: sent(queued.id).status == NotificationStatus.SENT, what="the outbox record marked sent")  # type: ignore[union-attr]
        wait_for(lambda: (s := harness.store.stream_status()) is not None and s.triggered == 1,
                 what="the status record to count the trigger")
    status = harness.store.stream_status()
    assert status is not None and status.state == StreamState.STOPPED and status.streams == 1


def test_a_spike_between_evaluations_still_fires_what_it_crossed(harness: Harness) -> None:
    """Ticks are coalesced per pair, keeping the extremes: a dip and the recovery that follows
    within one evaluation round still fire the `below` alert, on the dip's price."""
    harness.settings = replace(harness.settings, stream_evaluations_per_second=0.5)
    below = harness.alert(60_000.0, Condition.BELOW)
    move = harness.alert(20.0, Condition.PCT_MOVE)
    with running_stream(harness.settings, harness.store) as runner:
        wait_live(runner, harness.fake, {BTC})
        harness.fake.tick("BTCUSDT", 70_000.0, open_24h=70_000.0)  # starts a round
        for price in (69_000.0, 55_000.0, 71_000.0):
            harness.fake.tick("BTCUSDT", price, open_24h=70_000.0)

        wait_for(lambda: len(harness.mails()) == 2, timeout=8, what="both alert emails")

    assert sorted(harness.mails()) == [
        "BTC is below 60000 USD: now 55000 USD",
        "BTC moved -21.43% in 24 h (alert at 20%), now 55000 USD",
    ]
    assert {harness.store.get_alert(a.id).status for a in (below, move)} == {AlertStatus.TRIGGERED}  # type: ignore[union-attr]


def test_alert_changes_subscribe_and_unsubscribe_on_the_open_connection(harness: Harness) -> None:
    with running_stream(harness.settings, harness.store) as runner:
        wait_for(lambda: runner.board.state == StreamState.IDLE, what="idle without alerts")
        assert harness.fake.accepted == 0

        btc = harness.alert(200_000.0)
        wait_live(runner, harness.fake, {BTC})
        harness.alert(10_000.0, symbol="ETH")
        wait_live(runner, harness.fake, {BTC, ETH})
        harness.store.cancel_alert(btc.id)
        wait_live(runner, harness.fake, {ETH})

        assert harness.fake.accepted == 1 and harness.fake.over_limit == 0
        methods = [request["method"] for request in harness.fake.requests]
        assert methods == ["SUBSCRIBE", "SUBSCRIBE", "UNSUBSCRIBE"]

        harness.fake.tick("ETHUSDT", 10_100.0)
        wait_for(lambda: harness.mails() == ["ETH is above 10000 USD: now 10100 USD"], what="the ETH email")

        wait_for(lambda: runner.board.state == StreamState.IDLE and harness.fake.live() == 0,
                 what="the connection closed once the last alert fired")
        assert runner.board.reconnects == 0



def test_subscription_changes_in_a_burst_stay_under_binance_request_limit(harness: Harness) -> None:
    """Binance drops a connection that sends more than five messages a second: however fast the
    alert set changes, requests leave at most four a second."""

    async def churn() -> float:
        link = await Link.open(harness.fake.url, {BTC})
        started = time.monotonic()
        for step in range(12):
            await link.sync({BTC, ETH} if step % 2 == 0 else {BTC})
        took = time.monotonic() - started
        await link.close()
        return took

    took = asyncio.run(churn())

    assert harness.fake.over_limit == 0 and len(harness.fake.requests) == 13
    assert took >= 12 * REQUEST_GAP - 0.05
