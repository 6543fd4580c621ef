"""`cryptowatch watch`: the reference header-blind watch, in a terminal."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from shared.errors import InvalidInput
from shared.pairing.uri import parse_pairing_uri
from watchface.face import Face
from watchface.keyfile import KeyFile, default_path
from watchface.link import Link


def show(line: str) -> None:
    print(line, flush=True)


def watch_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="cryptowatch watch",
        description="A terminal watch face that pairs by a short code and polls prices, reading only "
        "the status and body of each answer (as a Garmin Connect IQ watch must).",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="the service's base URL, e.g. http://127.0.0.1:8000")
    where.add_argument("--uri", help="a pairing URI (cryptowatch://pair?url=...&key=...) from the companion")
    parser.add_argument("--symbols", default="BTC,ETH,SOL", help="symbols to show (default: BTC,ETH,SOL)")
    parser.add_argument("--vs", default="usd", help="quote currency (default: usd)")
    parser.add_argument("--state", type=Path, help=f"where the key is kept (default: {default_path(os.environ)})")
    args = parser.parse_args(argv)
    keyfile = KeyFile(args.state or default_path(os.environ))
    url = args.url
    if args.uri is not None:
        try:
            url, key = parse_pairing_uri(args.uri)
        except InvalidInput as error:
            parser.error(error.message)
        keyfile.save(url, key)
    symbols = [s.strip().upper() for s in args.symbols.split(",") if s.strip()]
    link = Link(url)
    try:
        face = Face(link, keyfile, symbols, vs=args.vs, show=show, sleep=time.sleep, qr=sys.stdout.isatty())
        return face.run()
    finally:
        link.close()
