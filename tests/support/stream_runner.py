"""A StreamRunner in a thread with its own event loop, as tests and the stream benchmark run it,
and settings that make its faults show within seconds."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from shared.config import Settings
from shared.store.base import Store
from tests.conftest import settings_for
from tests.support.binance_stream import FakeBinanceStream
from updater.stream.runner import StreamRunner

SYMBOLS = ("BTC", "ETH")


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
        stream_silence_seconds=10.0,
        stream_evaluations_per_second=10.0,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_starttls=False,
        smtp_from="alerts@cryptowatch.test",
        **overrides,  # type: ignore[arg-type]
    )
