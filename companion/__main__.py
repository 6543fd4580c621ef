"""`python -m companion`: the same as `cryptowatch companion`."""

from __future__ import annotations

import sys

from companion.cli import companion_command

sys.exit(companion_command(sys.argv[1:]))
