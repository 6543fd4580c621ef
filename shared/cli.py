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


def _commands() -> dict[str, object]:
    return {point.name: point for point in entry_points(group="cryptowatch.commands")}


def _usage(names: Sequence[str]) -> str:
    return "usage: cryptowatch {" + ",".join(sorted(names)) + "} [options]  (cryptowatch COMMAND --help)"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = _commands()
    if not args or args[0] in ("-h", "--help"):
        print(_usage(list(commands)))
        return 0 if args else 2
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
