"""How answers leave `cryptowatch serve` on the wire: a response's head and body in one write
(api/joined_writes.py), so a watch's answer is one TCP segment instead of two, and nothing
held back that a client waits for (a `100 Continue`)."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import orjson
import pytest

from tests.support.raw_http import parse_answer
from tests.support.serve_process import ServeProcess, running_serve


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    with running_serve(tmp_path_factory.mktemp("serve")) as running:
        yield running


def segments_with_data_received(sock: socket.socket) -> int:
    """Linux's count of TCP segments that carried data to this socket (`tcpi_data_segs_in` of
    struct tcp_info, at byte 152 since Linux 4.6)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 160)
    return int(struct.unpack_from("I", info, 152)[0])


def test_each_answer_on_a_kept_alive_connection_is_one_segment(server: ServeProcess) -> None:
    poll = b"GET /v1/prices/BTC HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: %s\r\n\r\n" % server.key.encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        before = segments_with_data_received(sock)
        for _ in range(5):
            sock.sendall(poll)
            piece = sock.recv(65_536)  # one read: all of the answer, or the test fails
            assert piece.startswith(b"HTTP/1.1 200 OK\r\n")
            answer = parse_answer(piece)
            assert len(answer.body) == int(answer.headers["content-length"])
            assert "server" not in answer.headers and "date" in answer.headers  # no server software named
            assert answer.json()["p"][0] > 0  # the one-coin shape: [price, change]
        assert segments_with_data_received(sock) - before == 5


def test_a_client_that_expects_100_continue_gets_it_before_sending_the_body(server: ServeProcess) -> None:
    body = orjson.dumps({"email": "nobody@example.com", "password": "not the password"})
    head = (
        b"POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head)
        assert sock.recv(65_536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = parse_answer(sock.recv(65_536))
    assert answer.status == 401
    assert answer.code
