"""`cryptowatch stream` (also `python -m updater.stream`): the live alert stream on its own, or as
the second child of `cryptowatch serve --stream`. Runs until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Sequence

from shared.config import Settings
from shared.store import open_store
from updater.cli import configure_logging
from updater.stream.runner import StreamRunner


async def _until_signalled(runner: StreamRunner) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await runner.run(stop)


def stream_command(argv: Sequence[str]) -> int:
    argparse.ArgumentParser(
        prog="cryptowatch stream",
        description="Watch Binance's live prices for the symbols with active alerts and fire them within "
        "seconds (BINANCE_WS_URL, STREAM_* settings). The five-minute cycle still runs alongside.",
    ).parse_args(argv)
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    store = open_store(settings)
    try:
        store.init()
        asyncio.run(_until_signalled(StreamRunner(settings, store)))
    finally:
        store.close()
    return 0
