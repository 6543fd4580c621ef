"""Where the reference watch keeps its key between runs: a small JSON file, mode 0600, with the
service URL it belongs to (a key for another service is not used)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path


def default_path(env: Mapping[str, str]) -> Path:
    root = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return root / "cryptowatch" / "watch.json"


class KeyFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, url: str) -> str | None:
        try:
            saved = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(saved, dict) or saved.get("url") != url or not isinstance(saved.get("key"), str):
            return None
        return str(saved["key"])

    def save(self, url: str, key: str) -> None:
        """Written whole to a new 0600 file, then renamed over the old one."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = self.path.with_name(self.path.name + ".new")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump({"url": url, "key": key}, out)
        os.replace(partial, self.path)

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
