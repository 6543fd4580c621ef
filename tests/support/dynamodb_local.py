"""The genuine DynamoDB Local for tests: start it on a free loopback port, wait until it answers,
stop exactly that process; plus a fresh, uniquely named table per test.

Usable without pytest (`with DynamoDBLocal.start() as local: ...`). For pytest, the session
fixture `dynamodb_local` yields the endpoint URL of one in-memory instance per test process
(so one per xdist worker), or skips with the reason when Java or the jar is missing; register
this module as a plugin (`pytest_plugins`) or import the fixtures into a conftest. The jar
comes from `.ci/dynamodb-local.sh`, which `make test` and CI run first.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shared.store.dynamodb import DynamoStore

#: Credentials DynamoDB Local accepts and ignores; set only inside the test process.
DUMMY_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_STARTUP_SECONDS = 60


def jar_dir() -> Path:
    """Where `.ci/dynamodb-local.sh` leaves DynamoDBLocal.jar (same defaults as the script)."""
    explicit = os.environ.get("DYNAMODB_LOCAL_DIR")
    if explicit:
        return Path(explicit)
    cache = os.environ.get("CRYPTOWATCH_CACHE") or str(Path.home() / ".cache" / "cryptowatch")
    return Path(cache) / "dynamodb-local"


def missing_reason() -> str | None:
    """Why DynamoDB Local cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "DynamoDB Local needs Java: install openjdk-17-jre-headless"
    if not (jar_dir() / "DynamoDBLocal.jar").is_file():
        return f"DynamoDB Local jar not in {jar_dir()}: run `bash .ci/dynamodb-local.sh`"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the child: ask Linux to stop the JVM if the test process dies without cleaning up."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class DynamoDBLocal:
    """One running DynamoDB Local process, in memory, on 127.0.0.1."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.endpoint = f"http://127.0.0.1:{port}"

    @classmethod
    def start(cls, attempts: int = 3) -> DynamoDBLocal:
        """Start on a free port (another one if that port was taken meanwhile)."""
        reason = missing_reason()
        if reason:
            raise RuntimeError(reason)
        for _ in range(attempts):
            try:
                return cls._start_once(_free_port())
            except OSError:
                continue
        raise RuntimeError(f"DynamoDB Local did not start after {attempts} attempts")

    @classmethod
    def _start_once(cls, port: int) -> DynamoDBLocal:
        folder = jar_dir()
        log = Path(tempfile.mkstemp(prefix="dynamodb-local-", suffix=".log")[1])
        command = [
            "java", f"-Djava.library.path={folder / 'DynamoDBLocal_lib'}",
            "-jar", str(folder / "DynamoDBLocal.jar"),
            # -sharedDb: one database whatever credentials or region a client uses.
            "-inMemory", "-sharedDb", "-port", str(port),
        ]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=folder, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )  # fmt: skip
        local = cls(process, port, log)
        local._wait_until_ready()
        return local

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + _STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.log.read_text(errors="replace")[-2000:]
                self.log.unlink(missing_ok=True)
                raise OSError(f"DynamoDB Local exited ({self.process.returncode}): {output}")
            if self._answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"DynamoDB Local did not answer on {self.endpoint} in time")

    def _answers(self) -> bool:
        """True once the server speaks DynamoDB's protocol (a 400 to an unsigned request)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return sock.recv(12).startswith(b"HTTP/1.")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop this process (by its PID, via the Popen handle) and remove its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> DynamoDBLocal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fresh_table_name() -> str:
    return f"cw-test-{uuid.uuid4().hex[:16]}"


def new_store(endpoint: str, **options: object) -> DynamoStore:
    """A DynamoStore on a new, initialised table of its own (cheap: DynamoDB Local in memory)."""
    store = DynamoStore(fresh_table_name(), endpoint_url=endpoint, **options)  # type: ignore[arg-type]
    store.init()
    return store


def drop_table(store: DynamoStore) -> None:
    """Delete the store's table so a long session does not pile up tables in memory."""
    store.client.delete_table(TableName=store.table_name)
    store.close()


_shared: DynamoDBLocal | None = None


def shared_instance() -> DynamoDBLocal:
    """One DynamoDB Local per process, started on first use and stopped when the process exits,
    however many conftest files register the fixture below."""
    global _shared
    if _shared is None or _shared.process.poll() is not None:
        _shared = DynamoDBLocal.start()
        atexit.register(_shared.stop)
    return _shared


def require_dynamodb_local() -> None:
    """Fail, with the reason, where DynamoDB Local cannot run: the DynamoDB half of the suite
    is never skipped quietly. `make test` fetches what it needs first; `-m "not dynamodb"`
    leaves that half out on purpose."""
    reason = missing_reason()
    if reason:
        pytest.fail(f"{reason} (or leave these tests out with -m 'not dynamodb')")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that takes the `dynamodb_local` fixture is a `dynamodb` test, marked or not,
    so that `-m 'not dynamodb'` leaves out exactly what needs DynamoDB Local."""
    for item in items:
        if "dynamodb_local" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.dynamodb)


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """The endpoint URL of this process's DynamoDB Local, with dummy credentials in the
    environment while the session runs."""
    require_dynamodb_local()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in DUMMY_AWS_ENV.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        yield shared_instance().endpoint


@contextlib.contextmanager
def before_each_call(store: DynamoStore, hook: Callable[..., None]) -> Iterator[None]:
    """Run `hook(model, **details)` before every DynamoDB call the store's client makes inside
    the block (botocore's `before-call` event; `model.name` is the operation, `PutItem`...)."""
    events = store.client.meta.events
    events.register("before-call.dynamodb.*", hook)
    try:
        yield
    finally:
        events.unregister("before-call.dynamodb.*", hook)


@contextlib.contextmanager
def api_calls(store: DynamoStore) -> Iterator[list[str]]:
    """The DynamoDB operations the store's client makes inside the block, in order."""
    calls: list[str] = []
    with before_each_call(store, lambda model, **_: calls.append(model.name)):
        yield calls


@contextlib.contextmanager
def fresh_store(endpoint: str, **options: object) -> Iterator[DynamoStore]:
    """A DynamoStore on a table of its own, dropped afterwards."""
    store = new_store(endpoint, **options)
    try:
        yield store
    finally:
        drop_table(store)


def contract_store(
    request: pytest.FixtureRequest,
) -> contextlib.AbstractContextManager[DynamoStore]:
    """The DynamoDB factory of the `store` fixture in `tests/support/backends.py` (the contract
    suite's and the watch API tests'): a fresh table on the session's DynamoDB Local (a failure,
    with the reason, when it cannot run here)."""
    return fresh_store(request.getfixturevalue("dynamodb_local"))


@pytest.fixture
def dynamodb_store(dynamodb_local: str) -> Iterator[DynamoStore]:
    """A DynamoStore on a fresh table, dropped after the test."""
    with fresh_store(dynamodb_local) as store:
        yield store
