"""/health reuses its store probe for about a second (issue 11, item 10): the probe takes
SQLite's write lock, so a monitor polling fast, or a flood of /health, made every request wait
for that lock. Shown with the lock held by another process: within a second of a good probe,
/health still answers at once and from that probe; after it, the next probe sees the lock."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from api.routes.health import PROBE_SECONDS
from shared.config import Settings
from shared.store.sqlite import SQLiteStore
from tests.reliability.conftest import Live, health_recovers, live_api
from tests.support.sqlite_lock import write_locked


@pytest.fixture
def live(settings: Settings) -> Iterator[Live]:
    store = SQLiteStore(settings.sqlite_path)
    store.init()
    with live_api(settings, store) as running:
        yield running


def timed_health(client: httpx.Client) -> tuple[int, float]:
    started = time.monotonic()
    status = client.get("/health").status_code
    return status, time.monotonic() - started


def test_health_answers_from_a_probe_at_most_about_a_second_old(live: Live) -> None:
    assert live.watch.get("/health").status_code == 200
    probed = time.monotonic()
    with write_locked(live.settings.sqlite_path):
        answers = []
        while time.monotonic() - probed < PROBE_SECONDS * 0.7:
            answers.append(timed_health(live.watch))
        time.sleep(max(0.0, probed + PROBE_SECONDS - time.monotonic()) + 0.05)
        status_after, _ = timed_health(live.watch)
    assert len(answers) >= 3
    assert {status for status, _ in answers} == {200}  # a probe under the lock would have said 503
    assert max(seconds for _, seconds in answers) < 0.5  # none waited for the lock (the probe waits 0.5 s)
    assert status_after == 503  # a second on, the probe ran again and met the lock
    assert health_recovers(live.watch)
