"""`python -m updater.stream`: how `cryptowatch serve --stream` runs the live stream as its child."""

from __future__ import annotations

import sys

from updater.stream.cli import stream_command

raise SystemExit(stream_command(sys.argv[1:]))
