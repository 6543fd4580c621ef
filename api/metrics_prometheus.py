"""The API's metrics for Prometheus, on GET /metrics (an admin key): request count and latency
per route and status class, summed over every uvicorn worker.

prometheus-client's multiprocess mode: each process writes its values to files in one folder
and /metrics, answered by any worker, reads them all. The folder is PROMETHEUS_MULTIPROC_DIR
when set, else one per server (the workers' common parent process) under the temporary folder;
it must be chosen before prometheus_client is first imported, so this module sets it then.
Files of processes that are gone are removed when a process starts its metrics: a restart
resets the counters, which Prometheus expects.
"""

from __future__ import annotations

import bisect
import functools
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api.operations import operation, path
from shared.errors import Forbidden
from shared.models import ApiKey, Scope

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def metrics_folder() -> Path:
    explicit = os.environ.get(MULTIPROC_ENV)
    per_server = Path(tempfile.gettempdir()) / f"cryptowatch-metrics-{os.getuid()}-{os.getppid()}"
    folder = Path(explicit) if explicit else per_server
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


def remove_dead_processes(folder: Path) -> None:
    """Drop the value files of processes that no longer run (`<kind>_<pid>.db`)."""
    for file in folder.glob("*.db"):
        pid = file.stem.rpartition("_")[2]
        if pid.isdigit() and not _running(int(pid)):
            file.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    return True


class PrometheusMetrics:
    """This process's counters, in the shared folder. A request only adds to a plain in-memory
    tally of its route and status (a multiprocess counter write takes a lock and an mmap write,
    several times the cost of a whole watch request); a thread of this process writes what was
    added since its last pass to the files every second, and /metrics writes its own process's
    first.

    Tallies only grow, and only the event loop's thread adds to them, so a request takes no lock:
    the writer copies a tally (one step under the GIL) and writes the difference from the copy it
    wrote last. A request caught halfway by a copy (counted, its seconds not yet added) is
    complete in the next pass."""

    FLUSH_SECONDS = 1.0

    def __init__(self) -> None:
        remove_dead_processes(metrics_folder())
        from prometheus_client import Counter, Histogram

        labels = ["route", "status_class"]
        self._requests = Counter("cryptowatch_requests", "HTTP requests answered", labels, registry=None)
        self._latency = Histogram(
            "cryptowatch_request_duration_seconds", "Time to answer a request", labels,
            buckets=LATENCY_BUCKETS, registry=None,
        )  # fmt: skip
        #: (route, status) -> [requests, seconds in all, then one count per bucket and +Inf], since start
        self._tallies: dict[tuple[str, int], list[float]] = {}
        self._written: dict[tuple[str, int], list[float]] = {}  # each tally as last written
        self._writing = threading.Lock()  # the thread and /metrics may flush at once
        threading.Thread(target=self._flush_every_second, name="metrics-flush", daemon=True).start()

    @classmethod
    @functools.cache
    def shared(cls) -> PrometheusMetrics:
        """One per process: the values live in per-process files, whatever the app instance."""
        return cls()

    def observe(self, route: str, status: int, seconds: float) -> None:
        tally = self._tallies.get((route, status))
        if tally is None:
            tally = self._tallies.setdefault((route, status), [0.0] * (3 + len(LATENCY_BUCKETS)))
        tally[0] += 1
        tally[1] += seconds
        tally[2 + bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1

    def _flush_every_second(self) -> None:
        while True:
            time.sleep(self.FLUSH_SECONDS)
            self.flush()

    def flush(self) -> None:
        with self._writing:
            for key, tally in list(self._tallies.items()):
                now = tally.copy()
                before = self._written.get(key) or [0.0] * len(now)
                if now != before:
                    self._write(key, [value - old for value, old in zip(now, before, strict=True)])
                    self._written[key] = now

    def _write(self, key: tuple[str, int], added: list[float]) -> None:
        route, status = key
        labels = (route, f"{status // 100}xx")
        self._requests.labels(*labels).inc(added[0])
        # A histogram child's per-bucket values and sum: prometheus-client has no bulk observe,
        # and one observe() per request is what this class saves.
        child: Any = self._latency.labels(*labels)
        child._sum.inc(added[1])
        for bucket, count in zip(child._buckets, added[2:], strict=True):
            if count:
                bucket.inc(count)


def exposition() -> tuple[bytes, str]:
    """Every live process's values, in Prometheus's text format."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=os.environ[MULTIPROC_ENV])
    return generate_latest(registry), CONTENT_TYPE_LATEST


@operation(
    "GET",
    "Request count and latency per route and status class, every worker together (admin key)",
    errors=(403,),
    content={"text/plain": str},
)
async def metrics(request: Request) -> Response:
    key: Any = request.scope.get("state", {}).get("api_key")
    if not isinstance(key, ApiKey) or key.scope is not Scope.ADMIN:
        raise Forbidden("/metrics needs an admin key", code="insufficient_scope")
    PrometheusMetrics.shared().flush()  # this worker's latest; the others' are at most a second old
    body, media_type = exposition()
    return Response(body, media_type=media_type, headers={"Cache-Control": "no-store"})


routes = [path("/metrics", metrics)]
