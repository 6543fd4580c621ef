"""`cryptowatch companion`: find the server and the admin key, then run the terminal app."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence

from companion.app import REFRESH_SECONDS, CompanionApp
from companion.client import CompanionClient
from companion.connection import (
    CONFIG_ENV,
    KEY_ENV,
    URL_ENV,
    Connection,
    ConnectionSetupError,
    config_path,
    local_key_file,
    resolve,
)

SECTIONS = [mode for mode, _ in CompanionApp.SECTIONS]


def make_app(
    connection: Connection,
    *,
    start: str = "prices",
    clock: Callable[[], float] = time.time,
    refresh_seconds: float = REFRESH_SECONDS,
) -> CompanionApp:
    """The app for a resolved connection; tests build theirs here too (with a frozen clock)."""
    return CompanionApp(
        CompanionClient(connection.url, connection.key),
        connection_note=f"Connected to {connection.describe()}",
        clock=clock,
        refresh_seconds=refresh_seconds,
        start=start,
    )


def _no_key_message() -> str:
    return (
        "cryptowatch companion: no admin key found. Give one in any of these ways:\n"
        f"  --key cw_...                      (this run only)\n"
        f"  {KEY_ENV}=cw_...     (environment)\n"
        f"  key = \"cw_...\" in {config_path(os.environ)}\n"
        f"or start the service with `cryptowatch serve`, which leaves its first key in "
        f"{local_key_file(os.environ)}\n(set CRYPTOWATCH_DATA_DIR if it runs with another data folder)."
    )


def companion_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="cryptowatch companion",
        description="Manage keys, users, alerts and exports of a cryptowatch server from the terminal.",
        epilog=f"Precedence: flag > {URL_ENV}/{KEY_ENV} > config file ({CONFIG_ENV} or "
        "~/.config/cryptowatch/companion.toml) > data/admin.key left by `cryptowatch serve`.",
    )
    parser.add_argument("--url", help="server base URL (default http://127.0.0.1:8000)")
    parser.add_argument("--key", help="admin API key")
    parser.add_argument("--screen", choices=SECTIONS, default="prices", help="section to open first")
    args = parser.parse_args(argv)
    try:
        connection = resolve(url=args.url, key=args.key)
    except ConnectionSetupError as error:
        print(f"cryptowatch companion: {error}", file=sys.stderr)
        return 2
    if connection.key is None:
        print(_no_key_message(), file=sys.stderr)
        return 2
    app = make_app(connection, start=args.screen)
    app.run()
    return app.return_code or 0  # 1 when the app stopped on an error (Textual printed it)
