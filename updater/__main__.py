"""`python -m updater --loop`: how `cryptowatch serve` runs the updater as its child process."""

from __future__ import annotations

import sys

from updater.cli import update_command

raise SystemExit(update_command(sys.argv[1:]))
