"""`cryptowatch update --once | --loop [--source NAME]` (also `python -m updater`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Sequence

from shared.config import PRICE_SOURCES, Settings
from shared.errors import ConfigError, CryptowatchError
from shared.models import UpdateStatus
from shared.store import open_store
from updater.cycle import run_cycle
from updater.loop import serve_loop


def summary(status: UpdateStatus, seconds: float) -> str:
    """One line a person (or a cron mail) can read at a glance."""
    if status.ok:
        line = f"updated {status.symbols_updated} symbols from {status.source} in {seconds:.1f} s"
        return line + (f" (passed over: {status.error})" if status.error else "")
    return f"update failed after {seconds:.1f} s (tried {status.source}): {status.error}"


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request is noise


def update_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="cryptowatch update", description="Refresh prices.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="run one cycle; exit 1 when it fails")
    mode.add_argument(
        "--loop",
        action="store_true",
        help="a cycle every UPDATE_INTERVAL_SECONDS until SIGTERM/SIGINT",
    )
    parser.add_argument("--source", choices=PRICE_SOURCES, help="price source (default PRICE_SOURCE)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        configure_logging(settings.log_level)
    except ConfigError as error:
        print(f"cryptowatch update: configuration error: {error}", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        store.init()
        if args.loop:
            serve_loop(settings, store, args.source)
            return 0
        started = time.monotonic()
        status = asyncio.run(run_cycle(settings, store, args.source))
    except CryptowatchError as error:
        print(f"cryptowatch update: {error.message}", file=sys.stderr)
        return 1
    finally:
        store.close()
    line = summary(status, time.monotonic() - started)
    print(line, file=sys.stdout if status.ok else sys.stderr)
    return 0 if status.ok else 1
