"""Export files in the data folder, served back through the authenticated admin download route."""

from __future__ import annotations

import os
from pathlib import Path

from shared.errors import Conflict, NotFound
from shared.private_files import FILE_MODE, private_folder

PREFIX = "exports/"


class LocalSink:
    """`exports/crypto_...json` lives at `<root>/crypto_...json` (root: the data folder's
    `exports/`)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _path(self, file_key: str) -> Path:
        name = file_key.removeprefix(PREFIX)
        if not file_key.startswith(PREFIX) or not name or "/" in name or name.startswith("."):
            raise NotFound(f"no export file {file_key!r}")
        return self._root / name

    def save(self, file_key: str, data: bytes, content_type: str) -> None:
        """Exclusive create: an existing export is never overwritten, and a failed write leaves
        no half file behind."""
        path = self._path(file_key)
        private_folder(self._root)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb") as handle:
                try:
                    handle.write(data)
                except BaseException:
                    path.unlink(missing_ok=True)
                    raise
        except FileExistsError:
            raise Conflict(f"export file {file_key} exists") from None

    def url_for(self, file_key: str, export_id: str) -> str:
        return f"/admin/exports/{export_id}/download"

    def read(self, file_key: str) -> bytes:
        try:
            return self._path(file_key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"export file {file_key} is gone from the data folder") from None
