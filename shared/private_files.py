"""Files for this user's eyes only. The store holds webhook secrets in clear (they sign
webhooks) and admin.key is an admin key, so on a shared machine another local user must not
read either: files are created 0600 and folders 0700, whatever the umask."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> None:
    """Make `path` 0700 if it is missing. An existing folder keeps its mode: it may be one
    that others need (a data path under /tmp); `cryptowatch serve` warns when it is open."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600, or take an existing one of ours down to 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        with contextlib.suppress(PermissionError):  # another user's file: theirs to fix
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def tighten(path: Path) -> None:
    """Mode 0600 for `path` if it exists (a SQLite -wal or -shm file left by an older run)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` in one step with a 0600 file holding `data`: an existing file's mode
    is not kept (it was 0644 once), and a reader never sees half a file."""
    private_folder(path.parent)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def open_to_others(path: Path) -> bool:
    """Whether a folder or file that exists can be read or entered by other users."""
    try:
        return bool(path.stat().st_mode & 0o077)
    except FileNotFoundError:
        return False
