"""Where the companion connects and with which key: flag > environment > config file > the
admin key the local run left in its data folder.

The last step is what lets a new user run `cryptowatch serve` in one terminal and
`cryptowatch companion` in another without typing a key.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"
URL_ENV = "CRYPTOWATCH_URL"
KEY_ENV = "CRYPTOWATCH_ADMIN_KEY"
CONFIG_ENV = "CRYPTOWATCH_COMPANION_CONFIG"
DATA_DIR_ENV = "CRYPTOWATCH_DATA_DIR"


class ConnectionSetupError(Exception):
    """The config file or key file exists but cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Connection:
    url: str
    key: str | None
    url_source: str
    key_source: str

    def describe(self) -> str:
        """One line for people: never the key itself, only where it came from."""
        return f"{self.url} ({self.url_source}); key from {self.key_source}"


def config_path(env: Mapping[str, str]) -> Path:
    """`$CRYPTOWATCH_COMPANION_CONFIG`, else the user's config dir (XDG, or %APPDATA% on Windows)."""
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    if sys.platform == "win32" and env.get("APPDATA"):
        root = Path(env["APPDATA"])
    else:
        root = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return root / "cryptowatch" / "companion.toml"


def read_config(path: Path) -> dict[str, str]:
    """`url` and `key` from the TOML file (missing file: nothing); other keys are refused."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConnectionSetupError(f"cannot read {path}: {error}") from None
    unknown = sorted(set(data) - {"url", "key"})
    if unknown:
        raise ConnectionSetupError(f"{path}: unknown setting {unknown[0]!r} (accepted: url, key)")
    bad = [name for name, value in data.items() if not isinstance(value, str) or not value.strip()]
    if bad:
        raise ConnectionSetupError(f"{path}: {bad[0]} must be a non-empty string")
    return {name: value.strip() for name, value in data.items()}


def local_key_file(env: Mapping[str, str]) -> Path:
    """Where `cryptowatch serve` leaves the first admin key (see api/cli.py)."""
    return Path(env.get(DATA_DIR_ENV) or "data") / "admin.key"


def read_key_file(path: Path) -> str | None:
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConnectionSetupError(f"cannot read the admin key in {path}: {error}") from None
    return secret or None


def resolve(
    *, url: str | None = None, key: str | None = None, env: Mapping[str, str] | None = None
) -> Connection:
    """Pick the URL and key by precedence; each part is resolved on its own, so a URL from the
    environment may pair with the key the local run left behind."""
    env = os.environ if env is None else env
    path = config_path(env)
    config = read_config(path)
    url_choices = [
        (url, "--url"),
        (env.get(URL_ENV), URL_ENV),
        (config.get("url"), str(path)),
        (DEFAULT_URL, "default"),
    ]
    chosen_url, url_source = next((value, source) for value, source in url_choices if value)
    if not chosen_url.startswith(("http://", "https://")):
        raise ConnectionSetupError(f"the URL {chosen_url!r} ({url_source}) must start with http:// or https://")
    key_file = local_key_file(env)
    key_choices = [(key, "--key"), (env.get(KEY_ENV), KEY_ENV), (config.get("key"), str(path))]
    for value, source in key_choices:
        if value and value.strip():
            return Connection(chosen_url.rstrip("/"), value.strip(), url_source, source)
    found = read_key_file(key_file)
    return Connection(chosen_url.rstrip("/"), found, url_source, str(key_file) if found else "nowhere")
