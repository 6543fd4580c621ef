"""A cycle's time with a stalled webhook receiver, against a healthy one, side by side.

    python -m tests.bench.stalled_webhook [--alerts 8] [--deadline 10]

Each run is one real `run_cycle` (the fake upstream on loopback, a SQLite store, the standard
steps: alert evaluation and outbox delivery) in which `--alerts` webhook alerts of one user
fire. Receivers: `healthy` answers 204 at once; `200-trickle` answers 200 and then sends its
body one byte every 5 s; `headers-trickle` sends its headers one byte every 5 s, so they never
end. A byte every 5 s keeps httpx's per-read timeout (NOTIFICATION_DEADLINE_SECONDS, 10 s)
from ever firing: only the delivery's overall deadline ends it, and the destination's other
records wait for the next run. Also printed: how old the
stored prices are when the cycle ends (what /health judges), which stays that of the fetch.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

from shared.alerts import AlertSpec, new_alert
from shared.ids import now
from shared.models import Channel, Condition, NotificationStatus
from shared.store.sqlite import SQLiteStore
from shared.users import create_user
from tests.support.fake_upstream import running_fake_upstream
from tests.support.webhook import trickling_receiver, webhook_receiver
from updater.cycle import run_cycle

TRICKLE_EVERY = 5.0


@contextlib.contextmanager
def healthy() -> Iterator[str]:
    with webhook_receiver() as receiver:
        yield receiver.url


def trickling(head: bytes) -> Callable[[], AbstractContextManager[str]]:
    @contextlib.contextmanager
    def receiver() -> Iterator[str]:
        with trickling_receiver(head, every=TRICKLE_EVERY, lasting=600) as trickler:
            yield trickler.url

    return receiver


RECEIVERS: dict[str, Callable[[], AbstractContextManager[str]]] = {
    "healthy": healthy,
    "200-trickle": trickling(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"),
    "headers-trickle": trickling(b"HTTP/1.1 200 OK\r\nX-Slow: "),
}


def one_cycle(name: str, alerts: int, deadline: float) -> tuple[float, int, int, int]:
    """(seconds, notifications sent, still pending, age of the prices in seconds at the end)."""
    with tempfile.TemporaryDirectory() as folder, running_fake_upstream() as fake, RECEIVERS[name]() as url:
        fake.set_price("BTC", usd=99_000.0, change=1.5)
        settings = replace(
            fake.settings(Path(folder), supported_symbols=("BTC",)),
            webhook_allow_private=True,
            notification_deadline_seconds=deadline,
        )
        store = SQLiteStore(settings.sqlite_path)
        store.init()
        user = create_user(store, email="ada@example.com", name="Ada", webhook_secret="s" * 20)
        spec = AlertSpec("BTC", Condition.BELOW, 100_000.0, channel=Channel.WEBHOOK, destination=url)
        for _ in range(alerts):
            store.create_alert(new_alert(spec, user, settings, now()))
        started = time.monotonic()
        status = asyncio.run(run_cycle(settings, store))
        seconds = time.monotonic() - started
        outbox = store.list_notifications(limit=1000).items
        sent = sum(n.status is NotificationStatus.SENT for n in outbox)
        age = now() - (status.last_success_at or 0)
        store.close()
        return seconds, sent, len(outbox) - sent, age


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=8)
    parser.add_argument("--deadline", type=float, default=10.0, help="NOTIFICATION_DEADLINE_SECONDS")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # each stalled delivery logs a warning
    print(f"{args.alerts} webhook alerts fire in one cycle; delivery deadline {args.deadline:g} s")
    print(f"{'receiver':<16} {'cycle s':>8} {'x healthy':>10} {'sent':>5} {'pending':>8} {'prices written s ago':>21}")
    base = None
    for name in RECEIVERS:
        seconds, sent, pending, age = one_cycle(name, args.alerts, args.deadline)
        base = base or seconds
        print(f"{name:<16} {seconds:>8.2f} {seconds / base:>10.1f} {sent:>5} {pending:>8} {age:>21}")


if __name__ == "__main__":
    main()
