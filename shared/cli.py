"""The `cryptowatch` command: a dispatcher over subcommands registered as entry points.

Each package owns its commands (api: serve, init, keys; updater: update; companion:
companion) and registers them under `cryptowatch.commands` in pyproject.toml, so this module
never imports the packages above it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points

from shared.errors import ConfigError, CryptowatchError

Command = Callable[[Sequence[str]], int]

#: One line per command for `cryptowatch --help`, kept here so that listing them loads none of
#: the packages (the companion alone would pull in Textual). A command without one is still listed.
SUMMARIES = {
    "serve": "run the API and the updater (creates the store, and the first admin key); --stream adds the live stream",
    "update": "one refresh cycle (--once), or the refresh loop alone (--loop)",
    "init": "create or migrate the configured store",
    "keys": "create, list and revoke API keys in the store (create --scope admin --save: a new admin key)",
    "companion": "the terminal app for keys, users, alerts and exports",
    "stream": "the live alert stream alone: Binance prices, alerts checked within seconds",
}


def _commands() -> dict[str, object]:
    return {point.name: point for point in entry_points(group="cryptowatch.commands")}


def _usage(names: Sequence[str]) -> str:
    return "usage: cryptowatch {" + ",".join(sorted(names)) + "} [options]  (cryptowatch COMMAND --help)"


def _help(names: Sequence[str]) -> str:
    ordered = [name for name in SUMMARIES if name in names] + sorted(set(names) - set(SUMMARIES))
    width = max(map(len, ordered), default=0)
    lines = [f"  {name:<{width}}  {SUMMARIES.get(name, '')}".rstrip() for name in ordered]
    return "\n".join(["usage: cryptowatch COMMAND [options]", "", "commands:", *lines, "",
                      "`cryptowatch COMMAND --help` shows a command's options."])


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = _commands()
    if not args:
        print(_help(list(commands)), file=sys.stderr)
        return 2
    if args[0] in ("-h", "--help", "help"):
        print(_help(list(commands)))
        return 0
    name, rest = args[0], args[1:]
    point = commands.get(name)
    if point is None:
        print(f"cryptowatch: unknown command {name!r}\n{_usage(list(commands))}", file=sys.stderr)
        return 2
    command: Command = point.load()  # type: ignore[attr-defined]
    try:
        return command(rest)
    except ConfigError as error:
        print(f"cryptowatch: configuration error: {error}", file=sys.stderr)
        return 2
    except CryptowatchError as error:  # e.g. the store cannot be reached: a message, not a traceback
        print(f"cryptowatch {name}: {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
