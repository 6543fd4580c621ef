"""The store becomes unavailable under a running API: every request that needs it is a 503 with
Retry-After (never a 500), /health says unavailable, and service resumes with the data intact
once the store is back.

Faults: the SQLite file replaced by a directory (as when its volume is gone), the SQLite write
lock held by another process (writes are refused; reads and counted requests go on), and
DynamoDB Local stopped while requests are in flight."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.config import Settings
from shared.store.sqlite import SQLiteStore
from tests.reliability.conftest import Live, health_recovers, live_api
from tests.support.dynamodb_local import DUMMY_AWS_ENV, DynamoDBLocal, new_store, require_dynamodb_local
from tests.support.sqlite_lock import write_locked

#: One request of each kind that needs the store: (client, method, path, JSON body).
NEEDS_STORE = [
    ("watch", "GET", "/v1/prices?symbols=BTC,ETH", None),
    ("watch", "GET", "/v1/prices/BTC", None),
    ("watch", "GET", "/v1/history/BTC", None),
    ("watch", "GET", "/v1/alerts", None),
    ("watch", "POST", "/v1/alerts", {"symbol": "BTC", "condition": "above", "target": 1e6}),
    ("admin", "GET", "/admin/users", None),
    ("admin", "POST", "/admin/users", {"email": "new@example.com", "name": "New"}),
    ("admin", "GET", "/admin/stats", None),
    ("admin", "POST", "/admin/exports", {"format": "csv"}),
    ("fresh", "GET", "/v1/prices", None),  # a key never seen: its lookup needs the store too
]


def ask(live: Live, who: str, method: str, path: str, body: object) -> httpx.Response:
    if who == "fresh":
        return httpx.request(method, live.url + path, headers={"X-API-Key": "cw_" + "F" * 32}, timeout=20)
    client = live.watch if who == "watch" else live.admin
    return client.request(method, path, json=body)


def unavailable(response: httpx.Response) -> bool:
    return (
        response.status_code == 503
        and response.json()["error"] == "store_unavailable"
        and int(response.headers["retry-after"]) > 0
        and response.json()["retry_after"] == int(response.headers["retry-after"])  # header-blind watches
    )


def health(live: Live) -> tuple[int, str, str]:
    answer = live.watch.get("/health")
    return answer.status_code, answer.json()["status"], answer.json()["store"]


@pytest.fixture
def sqlite_live(settings: Settings) -> Iterator[Live]:
    store = SQLiteStore(settings.sqlite_path, busy_timeout_seconds=0.2)
    store.init()
    with live_api(settings, store) as live:
        yield live


def test_the_sqlite_file_gone_is_503_everywhere_then_service_resumes_intact(sqlite_live: Live) -> None:
    live, path = sqlite_live, sqlite_live.settings.sqlite_path
    user = live.admin.post("/admin/users", json={"email": "kept@example.com", "name": "Kept"}).json()
    assert live.watch.get("/v1/prices").status_code == 200

    live.store.close()  # as if the process had restarted: the next call opens the path afresh
    aside = [(file, file.with_name(file.name + ".aside")) for file in database_files(path)]
    for file, moved in aside:
        file.rename(moved)
    path.mkdir()
    try:
        answers = {f"{method} {path}": ask(live, who, method, path, body) for who, method, path, body in NEEDS_STORE}
        assert {what for what, answer in answers.items() if not unavailable(answer)} == set()
        assert health(live) == (503, "unavailable", "unreachable")
        assert live.watch.get("/openapi.json").status_code == 200  # what needs no store still works
    finally:
        path.rmdir()
        for file, moved in aside:
            moved.rename(file)

    assert health_recovers(live.watch)
    assert live.watch.get("/v1/prices").status_code == 200
    assert live.admin.get(f"/admin/users/{user['id']}").json() == user
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def database_files(path: Path) -> list[Path]:
    """The database, its WAL and shared-memory index, and the shared rate-limit counters."""
    files = (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-counters"))
    return [file for file in files if file.exists()]


#: What needs the write lock: creating records, and stats (which first write counts behind).
WRITES = {"POST /v1/alerts", "POST /admin/users", "GET /admin/stats", "POST /admin/exports"}


def test_the_sqlite_write_lock_held_elsewhere_refuses_writes_and_serves_the_rest(sqlite_live: Live) -> None:
    live = sqlite_live
    with write_locked(live.settings.sqlite_path):  # another process stuck in the middle of a write
        # Reads are not blocked by a writer in WAL mode, and requests are counted in the shared
        # counter table (written behind once the lock is free); a key never seen is looked up
        # by a read and refused as unknown.
        answers = {
            f"{method} {path}": ask(live, who, method, path, body)
            for who, method, path, body in NEEDS_STORE if who != "fresh"
        }
        assert ask(live, *NEEDS_STORE[-1]).json()["error"] == "unknown_key"  # the key never seen
        assert {what for what, answer in answers.items() if unavailable(answer)} == WRITES
        assert {answer.status_code for what, answer in answers.items() if what not in WRITES} == {200}
        assert health(live) == (503, "unavailable", "unreachable")  # writes, the updater's too, fail
    assert live.watch.get("/v1/prices").status_code == 200
    assert live.admin.post("/admin/users", json={"email": "after@example.com", "name": "After"}).status_code == 201
    assert health_recovers(live.watch)


@pytest.fixture
def own_dynamodb_local(monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoDBLocal]:
    """A DynamoDB Local of this test's own, since the test stops it."""
    require_dynamodb_local()
    for name, value in DUMMY_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    with DynamoDBLocal.start() as local:
        yield local


@pytest.mark.dynamodb
def test_dynamodb_stopping_mid_burst_gives_503s_never_a_500(
    settings: Settings, own_dynamodb_local: DynamoDBLocal
) -> None:
    store = new_store(own_dynamodb_local.endpoint)
    with live_api(settings, store) as live:
        answers: list[tuple[float, str, httpx.Response]] = []
        stop = threading.Event()

        def hammer() -> None:
            targets = ["/v1/prices?symbols=BTC", "/admin/users", "/health"]
            while not stop.is_set():
                for target in targets:
                    client = live.admin if target.startswith("/admin") else live.watch
                    answers.append((time.monotonic(), target, client.get(target)))

        worker = threading.Thread(target=hammer)
        worker.start()
        time.sleep(0.5)
        stopped_at = time.monotonic()
        own_dynamodb_local.stop()  # by the PID of the process this test started
        time.sleep(3)
        stop.set()
        worker.join(timeout=30)

        before = [a for at, _, a in answers if at < stopped_at - 0.2]
        after = [a for at, _, a in answers if at > stopped_at + 0.5]
        assert {a.status_code for _, _, a in answers} <= {200, 503}
        assert before and {a.status_code for a in before} == {200}
        assert after and {a.status_code for a in after} == {503}
        assert all(unavailable(a) for _, target, a in answers if a.status_code == 503 and target != "/health")
        assert health(live) == (503, "unavailable", "unreachable")
