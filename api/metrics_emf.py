"""The API's metrics on Lambda as CloudWatch embedded metric format lines on stdout: `Requests`
(a count) and `Latency` (milliseconds, one sample per request) per route and status class,
dimensions Environment, Route and StatusClass.

Not one line per request: at a million watches that would be a few hundred bytes a poll of log
ingestion. An instance keeps each (route, status class)'s samples and writes them in one line
when 100 are there (the format's limit per line) or a minute has passed since its last line, on
the next request: Lambda freezes an idle instance, so nothing runs in between. What an instance
holds when Lambda discards it (under a minute's worth) is lost, which CloudWatch's figures
can afford.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from shared.emf import MAX_VALUES, emf_line

FLUSH_SECONDS = 60.0
UNITS = {"Requests": "Count", "Latency": "Milliseconds"}


class EmfMetrics:
    def __init__(
        self,
        environment: str,
        write: Callable[[str], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._environment = environment
        self._write = write or self._print
        self._clock = clock
        self._samples: dict[tuple[str, str], list[float]] = {}
        self._last_flush = clock()

    @staticmethod
    def _print(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def observe(self, route: str, status: int, seconds: float) -> None:
        key = (route, f"{status // 100}xx")
        samples = self._samples.setdefault(key, [])
        samples.append(round(seconds * 1000, 2))
        if len(samples) >= MAX_VALUES:
            self._flush(key)
        if self._clock() - self._last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        for key in list(self._samples):
            self._flush(key)
        self._last_flush = self._clock()

    def _flush(self, key: tuple[str, str]) -> None:
        samples = self._samples.pop(key, [])
        if samples:
            route, status_class = key
            dimensions = {"Environment": self._environment, "Route": route, "StatusClass": status_class}
            self._write(emf_line(dimensions, {"Requests": len(samples), "Latency": samples}, UNITS))
