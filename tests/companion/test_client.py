"""The client's failures as a person reads them. Statuses the loopback server cannot be made to
produce on demand (5xx, non-JSON) are answered by an httpx MockTransport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from companion.client import CompanionClient
from companion.errors import Missing, NotAllowed, RateLimited, Rejected, ServerFailed, Unreachable, WrongKey
from companion.screens.form import field_for
from tests.companion.conftest import Service
from tests.support.server import free_port

pytestmark = pytest.mark.anyio


def answering(status: int, body: bytes, **headers: str) -> CompanionClient:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body, headers=headers))
    return CompanionClient("http://cryptowatch.test", "cw_anything0000000000", transport=transport)


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind", "message"),
    [
        (500, b'{"error":"internal","message":"something went wrong on our side"}', {}, ServerFailed,
         "The server failed (500): something went wrong on our side"),
        (502, b"<html>Bad Gateway</html>", {}, ServerFailed, "The server failed (502): Bad Gateway"),
        (429, b'{"error":"rate_limited","message":"retry in 17 s"}', {"Retry-After": "17"}, RateLimited,
         "Too many requests with this key; try again in 17 s."),
        (400, b'{"error":"invalid_email","message":"email must be an address"}', {}, Rejected,
         "email must be an address"),
        (404, b'{"error":"user_not_found","message":"no user \'x\'"}', {}, Missing, "no user 'x'"),
        (401, b'{"error":"expired_key","message":"this API key is expired"}', {}, WrongKey,
         "This admin key has expired."),
        (403, b'{"error":"insufficient_scope","message":"needs admin"}', {}, NotAllowed, "This is a watch key"),
    ],
)
async def test_statuses_become_typed_human_errors(
    status: int, body: bytes, headers: dict[str, str], kind: type[Exception], message: str
) -> None:
    client = answering(status, body, **headers)
    with pytest.raises(kind) as raised:
        await client.users()
    await client.aclose()
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"<html>a proxy login page</html>", "not JSON"), (b'{"items": [1, 2]}', "without a list of records")],
)
async def test_an_answer_it_cannot_read_is_a_server_failure(body: bytes, message: str) -> None:
    client = answering(200, body)
    with pytest.raises(ServerFailed, match=message):
        await client.keys()
    await client.aclose()


@pytest.mark.parametrize(
    ("call", "body", "message"),
    [
        ("health", b'{"status": "fine"}', "without a cryptowatch health report"),
        ("health", b'{"status": "ok", "last_update": {"last_success_at": "noon"}}', "without a cryptowatch health"),
        ("prices", b'{"p": {"BTC": ["97000", 1.5]}}', "without prices"),
        ("history", b'{"p": [1.0, "lots"]}', "GET /v1/history/BTC without a list of prices"),
        ("history", b'{"s": "BTC"}', "without a list of prices"),
    ],
)
async def test_a_watch_body_of_the_wrong_shape_is_a_server_failure(call: str, body: bytes, message: str) -> None:
    client = answering(200, body)
    method = getattr(client, call)
    with pytest.raises(ServerFailed, match=message):
        await (method("BTC") if call == "history" else method())
    await client.aclose()


async def test_nothing_listening_is_unreachable() -> None:
    client = CompanionClient(f"http://127.0.0.1:{free_port()}", "cw_anything0000000000")
    with pytest.raises(Unreachable, match="Is `cryptowatch serve` running"):
        await client.health()
    await client.aclose()


async def test_the_admin_key_never_goes_to_another_host(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def storage(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"[]")

    transport = httpx.MockTransport(storage)
    client = CompanionClient("http://cryptowatch.test", "cw_secretAdmin0000000", transport=transport)
    presigned = "https://bucket.s3.example.com/exports/x.json?X-Amz-Signature=abc"
    size = await client.download(presigned, tmp_path / "x.json")
    await client.download("/admin/exports/exp_1/download", tmp_path / "y.json")
    await client.aclose()
    assert size == 2
    assert "x-api-key" not in seen[0].headers
    assert seen[1].headers["x-api-key"] == "cw_secretAdmin0000000"
    assert str(seen[1].url) == "http://cryptowatch.test/admin/exports/exp_1/download"


async def test_an_unknown_export_is_not_found_and_writes_nothing(service: Service, tmp_path: Path) -> None:
    client = CompanionClient(service.url, service.admin_key)
    with pytest.raises(Missing):
        await client.download("/admin/exports/exp_nope/download", tmp_path / "out" / "nope.json")
    await client.aclose()
    assert not (tmp_path / "out" / "nope.json").exists()


class BrokenStream(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'[{"symbol": "BTC"'
        raise httpx.ReadError("connection reset")


async def test_a_download_cut_short_leaves_no_partial_file(tmp_path: Path) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=BrokenStream()))
    client = CompanionClient("http://cryptowatch.test", "cw_anything0000000000", transport=transport)
    with pytest.raises(Unreachable, match="broke off"):
        await client.download("/admin/exports/exp_1/download", tmp_path / "x.json")
    await client.aclose()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "message", "field"),
    [
        ("invalid_email", "email must be an address", "email"),
        ("email_taken", "a user with the email a@b.co already exists", "email"),
        ("missing_field", "destination is required for webhooks", "destination"),
        ("invalid_field", "rate_limit must be at least 1", "rate_limit"),
        ("invalid_json", "the body is not valid JSON", None),
    ],
)
def test_server_refusals_land_under_their_field(code: str, message: str, field: str | None) -> None:
    fields = ("email", "name", "destination", "rate_limit")
    assert field_for(Rejected(message, code=code, status=400), fields) == field
