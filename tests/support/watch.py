"""The reference watch (`cryptowatch watch`) as a child process, its lines read as they come:
what a wearer would see on the watch."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

CRYPTOWATCH = str(Path(sys.executable).with_name("cryptowatch"))


class Watch:
    """The reference watch as a child process; its lines are read as they come."""

    def __init__(self, url: str, state: Path, *, uri: str | None = None) -> None:
        where = ["--uri", uri] if uri else ["--url", url]
        self.process = subprocess.Popen(
            [CRYPTOWATCH, "watch", *where, "--symbols", "BTC,ETH", "--state", str(state)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str, within: float) -> re.Match[str]:
        """The first line from now on that matches `pattern`, waiting at most `within` s."""
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern!r} within {within} s; saw:\n" + "\n".join(self.seen))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
