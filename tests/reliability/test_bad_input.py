"""Bad input on every route that could receive it: each is a clear JSON 4xx naming the problem,
never a 500, and the server carries on.

The routes come from the live /openapi.json, so a new route is covered the day it is added."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from shared.ids import now, utc_day
from tests.reliability.conftest import Live
from tests.support.raw_http import parse_answer


@dataclass(frozen=True)
class BadBody:
    name: str
    content: bytes | None  # None: streamed in chunks, with no Content-Length
    content_type: str | None
    expected: tuple[int, str]


def bad_bodies(limit: int) -> list[BadBody]:
    json_type = "application/json"
    oversize = b'{"name": "' + b"x" * limit + b'"}'
    return [
        BadBody("declared larger than the limit", oversize, json_type, (413, "payload_too_large")),
        BadBody("streamed past the limit", None, json_type, (413, "payload_too_large")),
        BadBody("truncated JSON", b'{"email": "a@b.co", "name": ', json_type, (400, "invalid_json")),
        BadBody("a JSON array", b"[1, 2]", json_type, (400, "invalid_json")),
        BadBody("a JSON string", b'"hello"', json_type, (400, "invalid_json")),
        BadBody("a NaN literal", b'{"target": NaN}', json_type, (400, "invalid_json")),
        BadBody("a number beyond double range", b'{"target": 1e999}', json_type, (400, "invalid_json")),
        BadBody("nested 5,000 deep", b"[" * 5000 + b"]" * 5000, json_type, (400, "invalid_json")),
        BadBody("not UTF-8", b'{"name": "\xff\xfe"}', json_type, (400, "invalid_json")),
        BadBody("an unknown field", b'{"no_such_field": 1}', json_type, (400, "unknown_field")),
        BadBody("JSON sent as text/plain", b"{}", "text/plain", (415, "unsupported_media_type")),
        BadBody("a form", b"email=a%40b.co", FORM, (415, "unsupported_media_type")),
        BadBody("multipart", b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x", (415, "unsupported_media_type")),
        BadBody("no content type", b"{}", None, (415, "unsupported_media_type")),
    ]


FORM = "application/x-www-form-urlencoded"


def body_operations(live: Live) -> dict[tuple[str, str], set[str]]:
    """(method, path) of every documented operation that takes a body, with its media types."""
    document = live.admin.get("/openapi.json").json()
    return {
        (method.upper(), path.replace("{key_id}", "key_unknown")): set(operation["requestBody"]["content"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }


def expected(bad: BadBody, media: set[str]) -> tuple[int, str]:
    """What a bad body gets: a form is read by an operation that takes one (as OAuth's do), so
    its field is then the unknown one."""
    return (400, "unknown_field") if bad.content_type == FORM and FORM in media else bad.expected


def chunks(total: int) -> Iterator[bytes]:
    yield b'{"name": "'
    for _ in range(total // 1024 + 1):
        yield b"x" * 1024
    yield b'"}'


def send(live: Live, method: str, path: str, bad: BadBody) -> httpx.Response:
    client = live.watch if path.startswith("/v1/") else live.admin
    headers = {} if bad.content_type is None else {"Content-Type": bad.content_type}
    content = chunks(live.settings.max_body_bytes) if bad.content is None else bad.content
    return client.request(method, path, content=content, headers=headers)


def error_of(response: httpx.Response) -> tuple[int, str | None]:
    is_json = response.headers.get("content-type") == "application/json"
    return response.status_code, response.json().get("error") if is_json else None


def test_every_body_route_refuses_every_bad_body_with_a_reason(live: Live) -> None:
    operations = body_operations(live)
    cases = [(op, bad) for op in operations for bad in bad_bodies(live.settings.max_body_bytes)]
    wrong = [
        f"{bad.name} to {method} {path}: {got}"
        for (method, path), bad in cases
        if (got := error_of(send(live, method, path, bad))) != expected(bad, operations[(method, path)])
    ]
    assert len(operations) == 19 and len(cases) == 266  # the counts docs/reliability.md quotes
    assert wrong == []


def test_every_route_refuses_an_oversize_query_before_any_work(live: Live) -> None:
    document = live.admin.get("/openapi.json").json()
    operations = [
        (method.upper(), path.replace("{", "").replace("}", ""))
        for path, item in document["paths"].items()
        for method in item
    ]
    query = {"symbols": ",".join(["BTC"] * 1200)}  # 4.8 KB
    counted_before = requests_counted_today(live)
    wrong = [
        f"{method} {path}: {got}"
        for method, path in operations
        if (got := error_of(live.admin.request(method, path, params=query))) != (414, "query_too_long")
    ]
    assert len(operations) > 20  # all of them: tests/shapes/test_document.py proves the document complete
    assert wrong == []
    assert requests_counted_today(live) == counted_before  # refused before the key was even looked up


def requests_counted_today(live: Live) -> int:
    return sum(usage.requests for usage in live.store.usage_for_day(utc_day(now())))


BAD_QUERIES = [
    ("/v1/prices?symbols=" + ",".join(f"S{i}" for i in range(26)), "too_many_symbols"),
    ("/v1/prices?symbols=" + "A" * 3000, "invalid_symbol"),
    ("/v1/prices?symbols=BTC,,ETH", "invalid_symbol"),
    ("/v1/prices?symbols=BTC%0A", "invalid_symbol"),
    ("/v1/prices?symbols=%C3%9F", "invalid_symbol"),  # 'ß', which upper-cases to 'SS'
    ("/v1/prices?vs=" + "x" * 3000, "unsupported_currency"),
    ("/v1/prices/" + "A" * 13, "invalid_symbol"),
    ("/v1/history/BTC?hours=0", "invalid_request"),
    ("/v1/history/BTC?hours=1_0", "invalid_request"),
    ("/v1/history/BTC?points=" + "9" * 40, "invalid_request"),
    ("/admin/users?limit=201", "invalid_request"),
    ("/admin/users?limit=%2B5", "invalid_request"),
    ("/admin/users?cursor=" + "c" * 513, "invalid_cursor"),
    ("/admin/alerts?status=", "invalid_status"),
    ("/admin/notifications?status=lost", "invalid_status"),
]


def test_bad_query_values_are_400_with_a_reason(live: Live) -> None:
    wrong = [
        f"{target}: {got}"
        for target, code in BAD_QUERIES
        if (got := error_of((live.admin if target.startswith("/admin") else live.watch).get(target)))
        != (400, code)
    ]
    assert wrong == []


def test_a_request_line_past_the_head_limit_is_refused_and_the_server_carries_on(live: Live) -> None:
    request = b"GET /v1/prices?symbols=" + b"A" * 400_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = b""
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        try:
            sock.sendall(request)
            while chunk := sock.recv(65_536):
                answer += chunk
        except ConnectionResetError:
            pass  # the server closed with the rest of the line unread: the kernel may reset first
    if answer:  # the guard's refusal, before the app (api/http_guard.py)
        refusal = parse_answer(answer)
        assert (refusal.status, refusal.code) == (431, "headers_too_large")
    assert live.watch.get("/v1/prices?symbols=BTC").status_code == 200
