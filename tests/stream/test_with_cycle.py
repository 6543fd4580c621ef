"""The stream and the five-minute cycle side by side never notify twice: both fire through the
one conditional trigger-plus-outbox write and claim the outbox with leases, so whichever sees a
crossing first sends the email and the other writes nothing."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest

from shared.models import AlertStatus
from shared.paging import PAGE_SIZE, every_item
from shared.store.sqlite import SQLiteStore
from tests.stream.conftest import Harness, wait_live
from tests.support.fake_upstream import FakeUpstream, running_fake_upstream
from tests.support.stream_runner import running_stream
from tests.support.wait import wait_for
from updater.cycle import run_cycle

LADDER = [100_000.0 + 100 * step for step in range(40)]


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    with running_fake_upstream() as fake:
        fake.set_price("BTC", usd=99_000.0)
        fake.set_price("ETH", usd=3_500.0)
        yield fake


def test_stream_and_cycle_together_send_one_email_per_trigger(harness: Harness, upstream: FakeUpstream) -> None:
    settings = replace(
        harness.settings, external_api_url=f"{upstream.url}/api/v3", binance_api_url=upstream.url,
        upstream_timeout_seconds=2.0,
    )
    alerts = [harness.alert(target) for target in LADDER]
    done = threading.Event()
    cycles = 0

    def keep_cycling() -> None:
        """The cycle as its own process would run it: its own store connection, back to back."""
        nonlocal cycles
        store = SQLiteStore(settings.sqlite_path)
        while not done.is_set():
            asyncio.run(run_cycle(settings, store))
            cycles += 1
        store.close()

    cycler = threading.Thread(target=keep_cycling, daemon=True)
    with running_stream(settings, harness.store) as runner:
        wait_live(runner, harness.fake, {"btcusdt@miniTicker"})
        cycler.start()
        for step, target in enumerate(LADDER):  # each step crosses one more target
            upstream.set_price("BTC", usd=target + 50)
            if step % 4 == 0:  # only the cycle sees this one first: wait for a whole cycle
                seen = cycles
                wait_for(lambda seen=seen: cycles >= seen + 2, what="a cycle on the new price")
            harness.fake.tick("BTCUSDT", target + 50)
            time.sleep(0.05)
        wait_for(lambda: len(harness.mails()) >= len(LADDER), timeout=30, what="an email per alert")
        time.sleep(0.5)  # time for a second email, if one were coming
        done.set()
        cycler.join(timeout=30)

    assert cycles >= 2
    subjects = Counter(harness.mails())
    assert len(subjects) == len(LADDER) and set(subjects.values()) == {1}
    assert all(harness.store.get_alert(a.id).status == AlertStatus.TRIGGERED for a in alerts)  # type: ignore[union-attr]
    outbox = list(every_item(lambda c: harness.store.list_notifications(limit=PAGE_SIZE, cursor=c)))
    assert Counter(n.alert_id for n in outbox) == Counter(a.id for a in alerts)
    fired_by = Counter("stream" if "source: binance stream" in n.body else "cycle" for n in outbox)
    assert fired_by["cycle"] >= len(LADDER) // 4 and fired_by["stream"] > 0
