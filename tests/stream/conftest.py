"""The live stream under test: a StreamRunner in a thread of its own, fed by the fake Binance
stream server, sending mail to a real SMTP server, on a SQLite store shared with the test."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.ids import now
from shared.models import Alert, Condition, StreamState, User
from shared.store.base import Store
from shared.store.sqlite import SQLiteStore
from shared.users import create_user
from tests.conftest import settings_for
from tests.support.binance_stream import FakeBinanceStream, running_binance_stream
from tests.support.smtp import Mailbox, smtp_server
from tests.support.wait import wait_for
from updater.stream.runner import StreamRunner

SYMBOLS = ("BTC", "ETH")


@dataclass
class Harness:
    """Everything one test drives: the fake exchange, the store, the mailbox, the settings."""

    fake: FakeBinanceStream
    store: Store
    mailbox: Mailbox
    settings: Settings
    user: User

    def alert(self, target: float, condition: Condition = Condition.ABOVE, symbol: str = "BTC",
              repeat: bool = False) -> Alert:
        spec = AlertSpec(symbol=symbol, condition=condition, target=target, repeat=repeat)
        return self.store.create_alert(new_alert(spec, self.user, self.settings, now()))

    def mails(self) -> list[str]:
        return [str(message["Subject"]) for message in self.mailbox.received()]


@contextlib.contextmanager
def running_stream(settings: Settings, store: Store) -> Iterator[StreamRunner]:
    """A StreamRunner on its own event loop thread until the block ends; it stops cleanly."""
    started = threading.Event()
    box: dict[str, object] = {}

    async def main() -> None:
        stop = asyncio.Event()
        runner = StreamRunner(settings, store)
        box.update(runner=runner, stop=stop, loop=asyncio.get_running_loop())
        started.set()
        await runner.run(stop)

    thread = threading.Thread(target=asyncio.run, args=(main(),), name="stream-runner", daemon=True)
    thread.start()
    assert started.wait(10)
    runner = box["runner"]
    assert isinstance(runner, StreamRunner)
    try:
        yield runner
    finally:
        loop = box["loop"]
        stop = box["stop"]
        assert isinstance(loop, asyncio.AbstractEventLoop) and isinstance(stop, asyncio.Event)
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=15)
        assert not thread.is_alive(), "the stream did not stop"


def stream_settings(data_dir: Path, fake: FakeBinanceStream, smtp_port: int, **overrides: object) -> Settings:
    """Quick reloads, a short silence limit and SMTP on loopback, so faults show within a test."""
    return replace(
        settings_for(data_dir),
        supported_symbols=SYMBOLS,
        binance_ws_url=fake.url,
        stream_refresh_seconds=0.2,
        stream_silence_seconds=3.0,
        stream_evaluations_per_second=10.0,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_starttls=False,
        smtp_from="alerts@cryptowatch.test",
        **overrides,  # type: ignore[arg-type]
    )


def wait_live(runner: StreamRunner, fake: FakeBinanceStream, streams: set[str]) -> None:
    wait_for(lambda: runner.board.state == StreamState.LIVE and fake.subscriptions() == streams,
             what=f"a live connection subscribed to {streams}")


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    with running_binance_stream(ping_interval=0.3) as fake, smtp_server() as mailbox:
        settings = stream_settings(tmp_path, fake, mailbox.port)
        store = SQLiteStore(settings.sqlite_path)
        store.init()
        user = create_user(store, email="ada@example.com", name="Ada")
        try:
            yield Harness(fake, store, mailbox, settings, user)
        finally:
            store.close()
