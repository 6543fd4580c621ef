"""The commands `cryptowatch serve` prints beside the first admin key, written for another
terminal in the same folder, so they work exactly as printed whatever store and data folder
this run uses (`make serve-dynamodb` runs on DynamoDB Local with data/dynamodb-run): the
variables that chose them are repeated in front of each command."""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:8000"
DATA_DIR = "CRYPTOWATCH_DATA_DIR"
#: What picks the store; the AWS ones only for DynamoDB Local (see `store_variables`).
STORE = ("SQLITE_PATH", "DYNAMODB_TABLE_NAME", "AWS_ENDPOINT_URL_DYNAMODB")
LOCAL_AWS = ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def program() -> str:
    """This cryptowatch as the person can run it from here: its name when it is the one on
    PATH, else its path (`.venv/bin/cryptowatch` after `make serve`)."""
    script = Path(sys.executable).with_name("cryptowatch")
    found = shutil.which("cryptowatch")
    if found and Path(found).resolve() == script.resolve():
        return "cryptowatch"
    try:
        return str(script.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def _assign(names: tuple[str, ...], env: Mapping[str, str]) -> list[str]:
    return [f"{name}={shlex.quote(env[name])}" for name in names if env.get(name)]


def store_variables(env: Mapping[str, str]) -> list[str]:
    """The assignments that reach this run's store and data folder. AWS credentials only for
    DynamoDB Local, which takes any secret: `local` is printed for it, never the real one."""
    found = _assign((DATA_DIR, *STORE), env)
    endpoint = env.get("AWS_ENDPOINT_URL_DYNAMODB")
    if env.get("DYNAMODB_TABLE_NAME") and endpoint and urlsplit(endpoint).hostname in LOOPBACK:
        found += _assign(LOCAL_AWS, env)
        if env.get("AWS_SECRET_ACCESS_KEY"):
            found.append("AWS_SECRET_ACCESS_KEY=local")
    return found


def client_url(host: str, port: int) -> str:
    """Where a client on this machine reaches the server (all interfaces: via loopback)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def next_steps(env: Mapping[str, str], url: str) -> list[str]:
    """The companion (which needs the key file's folder and the URL) and a watch key (which
    needs the store)."""
    me = program()
    companion = " ".join([*_assign((DATA_DIR,), env), me, "companion", *(["--url", url] if url != DEFAULT_URL else [])])
    watch_key = " ".join([*store_variables(env), me, "keys", "create", "--scope", "watch", "--label", "'my watch'"])
    return [companion, watch_key]
