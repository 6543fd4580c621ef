"""Attacks at the connection level against `cryptowatch serve` as it ships (issue 11, items 1
and 2): a head that never ends or is far too long, and a flood of clients that connect and then
send nothing, half a request line, or a header line now and then.

The server runs with a 256-descriptor file limit (`ulimit -n 256`) and a small connection cap,
so a flood of a few hundred sockets is enough to show what 1,100 did against `ulimit -n 1024`;
every load here is bounded in count and time."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.raw_http import parse_answer
from tests.support.serve_process import ServeProcess, running_serve

MAX_CONNECTIONS = 64
REQUEST_TIMEOUT = 2.0
HEADER_CAP = 16_384  # MAX_HEADER_BYTES as shipped
FLOOD = 300
START = b"GET /v1/prices/BTC HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    env = {"MAX_CONNECTIONS": str(MAX_CONNECTIONS), "REQUEST_TIMEOUT_SECONDS": str(REQUEST_TIMEOUT)}
    with running_serve(tmp_path_factory.mktemp("serve"), env=env, file_limit=256) as running:
        yield running


def connect(server: ServeProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def answer_of(sock: socket.socket, within: float) -> bytes | None:
    """Everything the server sends until it closes the connection (b"" for a close without a
    word, also when it resets), or None when it is still open after `within` seconds."""
    sock.settimeout(within)
    received = b""
    try:
        while chunk := sock.recv(65_536):
            received += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return received


def status_and_error(answer: bytes) -> tuple[int, str | None]:
    parsed = parse_answer(answer)
    return parsed.status, parsed.code


@contextlib.contextmanager
def sockets() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    try:
        yield opened
    finally:
        for sock in opened:
            sock.close()


# --- item 1: the head is capped ------------------------------------------------------------------------


def test_a_head_that_never_ends_gets_431_and_the_worker_does_not_grow(server: ServeProcess) -> None:
    before = server.rss_bytes()
    with sockets() as flood:
        for _ in range(5):
            flood.append(connect(server))
            flood[-1].sendall(START + b"X-Filler: ")
        sent = dict.fromkeys(flood, 0)
        chunk = b"a" * 65_536
        for _ in range(128):  # up to 8 MB each, interleaved, as long as the server takes it
            for sock in flood:
                with contextlib.suppress(OSError):
                    sock.sendall(chunk)
                    sent[sock] += len(chunk)
        grown = server.rss_bytes() - before
        answers = [answer_of(sock, within=5) for sock in flood]
    # Cut short: the server reads about MAX_HEADER_BYTES, the rest is what the sockets' buffers took.
    assert all(total < 128 * len(chunk) for total in sent.values()), sent
    for answer in answers:
        assert answer is not None  # closed
        assert answer == b"" or status_and_error(answer) == (431, "headers_too_large")  # or reset first
    assert grown < 16 * 1024 * 1024, f"the worker grew by {grown / 1e6:.0f} MB"


def test_a_complete_head_over_the_cap_is_refused_with_json_and_one_under_it_is_served(server: ServeProcess) -> None:
    with connect(server) as sock:
        sock.sendall(START + b"X-Filler: " + b"a" * 100_000 + b"\r\n\r\n")
        answer = answer_of(sock, within=5)
    assert answer is not None and status_and_error(answer) == (431, "headers_too_large")

    watch = httpx.get(server.url + "/v1/prices/BTC",
                      headers={"X-API-Key": server.key, "X-Filler": "a" * (HEADER_CAP - 1024)})
    assert watch.status_code == 200


# --- item 2: slow clients are timed out, and a flood of them does not lock anyone out -------------------


def test_a_request_trickling_in_gets_408_after_the_timeout(server: ServeProcess) -> None:
    with connect(server) as sock:
        started = time.monotonic()
        sock.sendall(START)
        answer = None
        while answer is None and time.monotonic() - started < REQUEST_TIMEOUT + 5:
            with contextlib.suppress(OSError):
                sock.sendall(b"X-Slow: 1\r\n")  # one header line now and then: each resets no timer
            answer = answer_of(sock, within=0.5)
        waited = time.monotonic() - started
    assert answer is not None and status_and_error(answer) == (408, "request_timeout")
    assert REQUEST_TIMEOUT - 0.1 <= waited <= REQUEST_TIMEOUT + 1.5


def test_a_flood_of_slow_connections_leaves_watches_and_health_served(server: ServeProcess) -> None:
    kinds = [b"", b"GET /v1/pri", START]  # nothing, half a request line, one header line
    with sockets() as flood:
        for number in range(FLOOD):
            flood.append(connect(server))
            if kinds[number % 3]:
                flood[-1].sendall(kinds[number % 3])
        files_during_flood = server.open_files()
        timings = {}
        for path, headers in (("/health", {}), ("/v1/prices/BTC", {"X-API-Key": server.key})):
            started = time.monotonic()
            response = httpx.get(server.url + path, headers=headers, timeout=5)
            timings[path] = time.monotonic() - started
            assert response.status_code == 200, (path, response.text)
        closed = [answer_of(sock, within=REQUEST_TIMEOUT + 3) for sock in flood]
    assert max(timings.values()) < 1.0, timings
    assert files_during_flood < MAX_CONNECTIONS + 64  # the cap, not the flood, sizes the worker
    assert closed.count(None) == 0, f"{closed.count(None)} slow connections still open"
