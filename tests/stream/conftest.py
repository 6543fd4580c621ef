"""The live stream under test (`tests.support.stream_runner`), fed by the fake Binance stream
server, sending mail to a real SMTP server, on a SQLite store shared with the test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.ids import now
from shared.models import Alert, Condition, StreamState, User
from shared.store.base import Store
from shared.users import create_user
from tests.support.binance_stream import FakeBinanceStream, running_binance_stream
from tests.support.smtp import Mailbox, smtp_server
from tests.support.stream_runner import stream_settings
from tests.support.wait import wait_for
from updater.stream.runner import StreamRunner


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


def wait_live(runner: StreamRunner, fake: FakeBinanceStream, streams: set[str]) -> None:
    wait_for(lambda: runner.board.state == StreamState.LIVE and fake.subscriptions() == streams,
             what=f"a live connection subscribed to {streams}")


@contextlib.contextmanager
def harness_on(store: Store, data_dir: Path) -> Iterator[Harness]:
    with running_binance_stream(ping_interval=0.3) as fake, smtp_server() as mailbox:
        settings = stream_settings(data_dir, fake, mailbox.port)
        user = create_user(store, email="ada@example.com", name="Ada")
        yield Harness(fake, store, mailbox, settings, user)


@pytest.fixture
def harness(sqlite_store: Store, tmp_path: Path) -> Iterator[Harness]:
    """On a SQLite store in `tmp_path`, the file the stream tests' other processes open too."""
    with harness_on(sqlite_store, tmp_path) as ready:
        yield ready


@pytest.fixture
def harness_on_every_store(store: Store, tmp_path: Path) -> Iterator[Harness]:
    """On each backend of the contract suite (SQLite, DynamoDB Local)."""
    with harness_on(store, tmp_path) as ready:
        yield ready
