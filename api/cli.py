"""`cryptowatch serve`, `init` and `keys`: run the service and bootstrap it from a terminal.

`serve` runs the API under uvicorn and the updater loop as one child process (`python -m
updater --loop`), so several API workers never run several updaters (with `--stream`, the live
alert stream is a second child, `python -m updater.stream`); `api.updater_process`
watches that child (restarted when it dies, the API stopped when it cannot start). The first start with no
admin key makes one, prints it once and leaves it in the data folder (mode 0600) where the
companion finds it.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from api.next_steps import client_url, next_steps
from shared.config import PRICE_SOURCES, Settings
from shared.errors import CryptowatchError
from shared.ids import now
from shared.keyring import find_key, issue_key
from shared.limits import MAX_RATE_LIMIT
from shared.models import ApiKey, Scope, User
from shared.paging import PAGE_SIZE, every_item
from shared.private_files import open_to_others, write_private
from shared.store import open_store
from shared.store.base import Store
from shared.text import printable

BOOTSTRAP_ADMIN_RATE_LIMIT = 600
MAX_EXPIRY_DAYS = 36_500


def _open(settings: Settings) -> Store:
    store = open_store(settings)
    store.init()
    return store


def write_admin_key(path: Path, secret: str) -> None:
    """Leave the key for the companion, readable by this user only (an older file's mode
    is not kept: the file is replaced)."""
    write_private(path, (secret + "\n").encode())


def ensure_admin_key(store: Store, settings: Settings) -> str | None:
    """Make the first admin key when none is usable; returns its secret (shown once) or None."""
    at = now()
    if store.has_active_admin_key(at):
        return None
    issued = issue_key(store, Scope.ADMIN, at, label="bootstrap admin", rate_limit=BOOTSTRAP_ADMIN_RATE_LIMIT)
    write_admin_key(settings.admin_key_file, issued.secret)
    return issued.secret


def _announce_admin_key(secret: str, settings: Settings, url: str) -> None:
    companion, watch_key = next_steps(os.environ, url)
    print(
        "\nNo admin key existed, so one was made. It is shown this once:\n\n"
        f"    {secret}\n\n"
        f"It is also saved (mode 0600) in {settings.admin_key_file.resolve()}. From another\n"
        "terminal in this folder, the companion finds it there:\n\n"
        f"    {companion}\n\n"
        "and this makes a key for a watch:\n\n"
        f"    {watch_key}\n",
        flush=True,
    )


def serve_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="cryptowatch serve", description="Run the API and the updater.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--source", choices=PRICE_SOURCES, help="price source (default PRICE_SOURCE)")
    parser.add_argument("--no-updater", action="store_true", help="serve the API only")
    parser.add_argument("--access-log", action="store_true", help="log every request (default ACCESS_LOG: off)")
    parser.add_argument(
        "--stream", action="store_true", help="also run the live alert stream (`cryptowatch stream`)"
    )
    args = parser.parse_args(argv)
    if args.source:
        os.environ["PRICE_SOURCE"] = args.source
    if args.access_log:
        os.environ["ACCESS_LOG"] = "true"  # also for the workers, which read the settings again
    settings = Settings.from_env()
    store = _open(settings)
    secret = ensure_admin_key(store, settings)
    if open_to_others(settings.data_dir):
        print(f"warning: other users of this machine can open {settings.data_dir}, which holds the admin key "
              f"and webhook secrets; `chmod 700 {settings.data_dir}` closes it.", file=sys.stderr)
    store.close()
    if secret:
        _announce_admin_key(secret, settings, client_url(args.host, args.port))

    from api import server
    from api.updater_process import UpdaterProcess

    # uvicorn re-raises SIGTERM once it has shut down gracefully; as SystemExit it unwinds
    # through the `finally` below, which stops the updater instead of orphaning it. The same
    # SIGTERM, sent by the updater's watcher, is how an updater that failed to start stops the API.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    commands = {} if args.no_updater else {"updater": [sys.executable, "-m", "updater", "--loop"]}
    if args.stream:
        commands["live stream"] = [sys.executable, "-m", "updater.stream"]
    children = [
        UpdaterProcess(command, os.environ, on_failure=lambda: os.kill(os.getpid(), signal.SIGTERM), name=name)
        for name, command in commands.items()
    ]
    for child in children:
        child.start()
    try:
        server.run(
            "api.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            settings=settings,
        )
    except SystemExit:
        if not any(child.failure for child in children):
            raise
    finally:
        for child in children:
            child.stop()
    failures = [child.failure for child in children if child.failure]
    for failure in failures:
        print(f"cryptowatch serve: {failure}", file=sys.stderr)
    return 1 if failures else 0


def init_command(argv: Sequence[str]) -> int:
    argparse.ArgumentParser(prog="cryptowatch init", description="Create or migrate the store.").parse_args(argv)
    settings = Settings.from_env()
    _open(settings).close()
    where = f"DynamoDB table {settings.dynamodb_table_name}" if settings.dynamodb_table_name else settings.sqlite_path
    print(f"store ready: {where}")
    return 0


def _when(epoch: int | None) -> str:
    return "-" if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M")


def _user_for(store: Store, email: str) -> User:
    """The user with this email, made on the spot when new (bootstrapping convenience)."""
    from shared.users import create_user

    return store.get_user_by_email(email) or create_user(store, email=email, name=email.split("@")[0])


def _print_keys(keys: Sequence[ApiKey]) -> None:
    print(f"{'PREFIX':<12} {'ID':<26} {'SCOPE':<6} {'CREATED':<16} {'EXPIRES':<16} {'REVOKED':<16} LABEL")
    for k in keys:
        print(
            f"{k.prefix:<12} {k.id:<26} {k.scope.value:<6} {_when(k.created_at):<16} "
            f"{_when(k.expires_at):<16} {_when(k.revoked_at):<16} {printable(k.label or '')}"
        )


def _whole(high: int) -> Callable[[str], int]:
    """An argparse type for a count from 1 to `high`. Zero is refused rather than guessed at: as
    an expiry it once meant "never", as a rate limit it would admit nothing."""

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {high}, not {raw!r}")
        return value

    return parse


def keys_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="cryptowatch keys", description="Manage API keys directly in the store.")
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="make a key and print it once (alone on the last line)")
    create.add_argument("--scope", choices=[Scope.WATCH.value, Scope.ADMIN.value], default=Scope.WATCH.value)
    create.add_argument("--user", metavar="EMAIL", help="owner (made when new)")
    create.add_argument("--label")
    create.add_argument(
        "--rate-limit", type=_whole(MAX_RATE_LIMIT), help="requests per minute (default RATE_LIMIT_PER_MINUTE)"
    )
    create.add_argument(
        "--expires-in-days", type=_whole(MAX_EXPIRY_DAYS), metavar="DAYS",
        help="whole days until the key stops working (left out: it never expires)",
    )
    create.add_argument(
        "--save", action="store_true",
        help="also write an admin key to the data folder's admin.key (mode 0600), replacing the key "
        "`cryptowatch companion` finds there: the way back in after that key was revoked or lost",
    )
    sub.add_parser("list", help="list keys (never the secrets)")
    revoke = sub.add_parser("revoke", help="revoke a key now")
    revoke.add_argument("key", metavar="PREFIX", help="the key's display prefix or id")
    args = parser.parse_args(argv)
    if args.action == "create" and args.save and args.scope != Scope.ADMIN.value:
        parser.error("--save writes the companion's admin key: use it with --scope admin")

    settings = Settings.from_env()
    store = _open(settings)
    try:
        if args.action == "create":
            at = now()
            user_id = _user_for(store, args.user).id if args.user else None
            expires_at = None if args.expires_in_days is None else at + args.expires_in_days * 86_400
            issued = issue_key(
                store, Scope(args.scope), at, user_id=user_id, label=args.label,
                rate_limit=args.rate_limit, expires_at=expires_at,
            )
            if user_id is None and issued.record.scope is Scope.WATCH:
                print("note: this key has no owner, so /v1/alerts refuses it (403 no_owner): alerts belong "
                      "to users. For a watch that sets alerts, make its key with --user EMAIL.", file=sys.stderr)
            if args.save:
                write_admin_key(settings.admin_key_file, issued.secret)
                print(f"saved in {settings.admin_key_file} (mode 0600), where `cryptowatch companion` finds it")
            print(f"created {issued.record.scope.value} key {issued.record.prefix} ({issued.record.id}); "
                  "it is shown only now:")
            print(issued.secret)
        elif args.action == "list":
            _print_keys(list(every_item(lambda cursor: store.list_keys(limit=PAGE_SIZE, cursor=cursor))))
        else:
            key = find_key(store, args.key)
            revoked = store.revoke_key(key.id, now())
            print(f"revoked {key.prefix} ({key.id}) at {_when(revoked.revoked_at if revoked else None)}")
    except CryptowatchError as error:
        print(f"cryptowatch keys: {error.message}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
