"""The updater child of `cryptowatch serve` (and the live stream child, with `--stream`), watched
so the API never runs on without it.

An updater that exits within START_SECONDS of serve starting it has failed to start (a setting
or a store it cannot work with): a restart would fail the same way, so serve is told to stop
the API and exit non-zero. One that dies after it has run (killed, out of memory, a crash) is
started again after a pause of 1 s, doubled after each further death within START_SECONDS of
its restart, up to 60 s, as process supervisors do. The child runs in its own process group, so
a Ctrl-C at the terminal reaches serve alone, which then stops the child itself: every exit
serve did not ask for is news.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence

START_SECONDS = 10.0
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


def _how(returncode: int) -> str:
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with code {returncode}"


class UpdaterProcess:
    """Runs `command` and keeps it running; `on_failure` is called (from a watcher thread)
    when it failed to start, after `failure` says what happened."""

    def __init__(
        self, command: Sequence[str], env: Mapping[str, str], on_failure: Callable[[], None], name: str = "updater"
    ) -> None:
        self.name = name
        self._command = list(command)
        self._env = dict(env)
        self._on_failure = on_failure
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._watcher = threading.Thread(target=self._watch, name=f"{name}-watcher", daemon=True)
        self.failure: str | None = None

    def start(self) -> None:
        with self._lock:
            self._spawn()
        self._watcher.start()

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after STOP_TIMEOUT_SECONDS) and any restart."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._watcher.is_alive():
            self._watcher.join(timeout=STOP_TIMEOUT_SECONDS)

    def _spawn(self) -> None:
        self._process = subprocess.Popen(self._command, env=self._env, process_group=0)

    def _watch(self) -> None:
        delay = FIRST_DELAY_SECONDS
        first = True
        while True:
            started = time.monotonic()
            assert self._process is not None
            returncode = self._process.wait()  # also reaps it: no defunct child
            ran = time.monotonic() - started
            if self._stopping.is_set():
                return
            quick = ran < START_SECONDS
            if first and quick:
                self.failure = (
                    f"the {self.name} {_how(returncode)} {ran:.1f} s after it started (its message, if any, "
                    "is above), so the API was stopped too"
                )
                self._on_failure()
                return
            first = False
            delay = min(MAX_DELAY_SECONDS, delay * 2) if quick else FIRST_DELAY_SECONDS
            print(
                f"cryptowatch serve: the {self.name} {_how(returncode)} after {ran:.0f} s; "
                f"restarting it in {delay:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self._spawn()
