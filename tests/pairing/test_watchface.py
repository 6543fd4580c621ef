"""The reference watch's rules, answer by answer: it waits as the body says (`interval`, +5 s on
slow_down, `n`, `retry_after`), stops when denied, starts over when the code expires, pairs again
when its key is refused, and doubles its wait while nobody answers. The server is a function
(httpx.MockTransport); tests/e2e drives the same client against a real one."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from shared.qr import qr_text
from watchface.face import Face
from watchface.keyfile import KeyFile
from watchface.link import Link

STARTED = {"device_code": "dev", "user_code": "BCDF-GHJK", "verification_uri": "http://w/activate",
           "verification_uri_complete": "http://w/activate?user_code=BCDF-GHJK", "expires_in": 600, "interval": 5}
PRICES = {"t": 1, "p": {"BTC": [97123.5, -1.23]}, "n": 42}


class Stop(Exception):
    """Ends a run: the watch loops forever otherwise."""


def script(*answers: tuple[int, dict[str, object]] | Exception) -> Callable[[httpx.Request], httpx.Response]:
    """A server answering each request with the next answer; what it was sent is kept."""
    queue: Iterator[tuple[int, dict[str, object]] | Exception] = iter(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        following = next(queue, None)
        if following is None:
            raise Stop()
        if isinstance(following, Exception):
            raise following
        status, body = following
        return httpx.Response(status, json=body, headers={"Retry-After": "999", "Cache-Control": "max-age=999"})

    sent: list[httpx.Request] = []
    answer.sent = sent  # type: ignore[attr-defined]
    return answer


def run(tmp_path: Path, server: Callable[[httpx.Request], httpx.Response], *, key: str | None = None,
        qr: bool = False) -> tuple[list[float], list[str], int | None]:
    keyfile = KeyFile(tmp_path / "watch.json")
    if key:
        keyfile.save("http://w", key)
    waits: list[float] = []
    lines: list[str] = []
    link = Link("http://w", transport=httpx.MockTransport(server))
    face = Face(link, keyfile, ["BTC"], show=lines.append, sleep=waits.append, qr=qr)
    try:
        status: int | None = face.run()
    except Stop:
        status = None
    return waits, lines, status


def test_pairing_waits_the_interval_and_5_s_more_after_each_slow_down(tmp_path: Path) -> None:
    server = script((200, STARTED), (400, {"error": "authorization_pending", "interval": 5}),
                    (400, {"error": "slow_down", "interval": 10}), (400, {"error": "authorization_pending"}),
                    (200, {"access_token": "cw_new", "token_type": "Bearer", "scope": "watch"}), (200, PRICES))

    waits, lines, _ = run(tmp_path, server)

    assert waits == [5, 5, 10, 10, 42]  # the last: n from the price body
    tokens = [r for r in server.sent if r.url.path == "/v1/pair/token"]  # type: ignore[attr-defined]
    assert tokens[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert tokens[0].content == b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dev"
    assert json.loads((tmp_path / "watch.json").read_text()) == {"url": "http://w", "key": "cw_new"}
    assert lines[-1] == "BTC 97123.5 -1.23%  (next in 42 s)"


def test_a_denied_pairing_ends_the_run(tmp_path: Path) -> None:
    waits, lines, status = run(tmp_path, script((200, STARTED), (400, {"error": "access_denied"})))

    assert status == 1 and lines[-1].startswith("pairing denied")
    assert not (tmp_path / "watch.json").exists()


def test_an_expired_code_starts_a_new_pairing(tmp_path: Path) -> None:
    server = script((200, STARTED), (400, {"error": "expired_token"}), (200, {**STARTED, "user_code": "ZZZZ-ZZZZ"}))

    _, lines, _ = run(tmp_path, server)

    assert [line.split()[1] for line in lines if "read it to the operator" in line] == ["BCDF-GHJK", "ZZZZ-ZZZZ"]


def test_busy_answers_are_waited_out_by_the_bodys_retry_after_not_the_header(tmp_path: Path) -> None:
    server = script((200, PRICES), (429, {"error": "rate_limited", "message": "m", "retry_after": 17}),
                    (503, {"error": "store_unavailable", "message": "m", "retry_after": 2}), (200, PRICES))

    waits, lines, _ = run(tmp_path, server, key="cw_saved")

    assert waits == [42, 17, 2, 42]
    assert "rate_limited: backing off 17 s" in lines


def test_a_pairing_request_over_the_address_limit_waits_as_the_body_says(tmp_path: Path) -> None:
    waits, _, _ = run(tmp_path, script((429, {"error": "rate_limited", "message": "m", "retry_after": 300}),
                                       (200, STARTED)))

    assert waits[0] == 300


def test_a_refused_key_is_forgotten_and_the_watch_pairs_again(tmp_path: Path) -> None:
    server = script((401, {"error": "revoked_key", "message": "m"}), (200, STARTED))

    _, lines, _ = run(tmp_path, server, key="cw_revoked")

    assert lines[0] == "key refused (revoked_key); pairing again" and lines[1].startswith("code BCDF-GHJK")
    assert not (tmp_path / "watch.json").exists()


def test_while_nobody_answers_the_wait_doubles_up_to_a_minute(tmp_path: Path) -> None:
    down = [httpx.ConnectError("refused")] * 8
    waits, _, _ = run(tmp_path, script(*down, (200, PRICES)), key="cw_saved")

    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 42]


def test_on_a_terminal_the_code_comes_with_a_qr_of_the_verification_uri(tmp_path: Path) -> None:
    _, lines, _ = run(tmp_path, script((200, STARTED)), qr=True)

    assert lines[1] == qr_text(STARTED["verification_uri_complete"])  # type: ignore[arg-type]

