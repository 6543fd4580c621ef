"""Auth abuse over real HTTP: no forged, damaged, stale, doubled or wrongly scoped credential
gets through, none is counted against a real key's rate limit, and no secret reaches the logs.

Expectations are sets of acceptable (status, error code); a code of None is the HTTP parser's own
plain-text 400, given before the app runs. Which bytes the parser refuses depends on the one
uvicorn picks: httptools (what `cryptowatch serve` installs) refuses control characters and DEL,
h11 passes them on to the app, which refuses the key; both are refusals."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from shared.config import Settings
from shared.ids import now, utc_day
from shared.keys import DISPLAY_PREFIX_LENGTH
from shared.store.base import Store
from tests.conftest import settings_for
from tests.security.conftest import VICTIM_LIMIT, AbuseTarget, key_header, running_target
from tests.support.clock import freeze

WATCH_ROUTE = "/v1/prices?symbols=BTC"
ADMIN_ROUTE = "/admin/users"
Expected = frozenset[tuple[int, str | None]]


@dataclass(frozen=True)
class Abuse:
    name: str
    headers: tuple[bytes, ...]
    watch: Expected | None  # None: not sent to the watch route (it would be legitimate there)
    admin: Expected


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Every abuse comes from one address and is checked for its own refusal, so the limit on
    refusals per address (test_auth_failures.py) is lifted here."""
    return settings_for(tmp_path, auth_failures_per_minute=1_000_000)


def both(name: str, expected: tuple[int, str | None] | Expected, *headers: bytes) -> Abuse:
    accepted = expected if isinstance(expected, frozenset) else frozenset({expected})
    return Abuse(name, headers, accepted, accepted)


def abuses(target: AbuseTarget) -> list[Abuse]:
    victim = target.victim
    unknown, missing, ambiguous = (401, "unknown_key"), (401, "missing_key"), (401, "ambiguous_key")
    refused_by_parser = (400, None)
    parser_or_app = frozenset({refused_by_parser, unknown})
    bearer = b"Authorization: Bearer "
    return [
        both("no key at all", missing),
        both("empty X-API-Key", missing, b"X-API-Key: "),
        both("blank X-API-Key", missing, b"X-API-Key:    "),
        both("not shaped like a key", unknown, key_header("not-a-key")),
        both("the display prefix only", unknown, key_header(victim[:DISPLAY_PREFIX_LENGTH])),
        both("last character changed", unknown, key_header(victim[:-1] + ("A" if victim[-1] != "A" else "B"))),
        both("truncated by one", unknown, key_header(victim[:-1])),
        both("one character appended", unknown, key_header(victim + "A")),
        both("upper-cased", unknown, key_header(victim.upper())),
        both("overlong, 10 KB", unknown, key_header("cw_" + "A" * 10_240)),
        both("overlong Bearer, 10 KB", unknown, bearer + b"cw_" + b"A" * 10_240),
        both("unicode", unknown, b"X-API-Key: " + "cw_ключ-ключ-ключ-ключ".encode()),
        both("Cyrillic look-alike of the key", unknown, b"X-API-Key: " + ("с" + victim[1:]).encode()),
        both("emoji", unknown, b"X-API-Key: " + ("cw_" + "🔑" * 10).encode()),
        both("tab inside the key", unknown, key_header(victim[:10] + "\t" + victim[10:])),
        both("NUL byte", refused_by_parser, key_header(victim) + b"\x00"),
        both("control character", parser_or_app, key_header(victim[:8]) + b"\x01" + victim[8:].encode()),
        both("DEL character", parser_or_app, key_header(victim) + b"\x7f"),
        both("revoked key", (401, "revoked_key"), key_header(target.revoked)),
        both("expired key", (401, "expired_key"), key_header(target.expired)),
        both("Basic scheme", missing, b"Authorization: Basic " + victim.encode()),
        both("Token scheme", missing, b"Authorization: Token " + victim.encode()),
        both("no scheme", missing, b"Authorization: " + victim.encode()),
        both("Bearer without a token", missing, b"Authorization: Bearer"),
        both("both headers, garbage and the key", ambiguous, key_header("cw_garbage-garbage-garbage"),
             bearer + victim.encode()),
        both("both headers, the key and garbage", ambiguous, key_header(victim),
             bearer + b"cw_garbage-garbage-garbage"),
        both("both headers, watch and admin keys", ambiguous, key_header(victim), bearer + target.admin.encode()),
        both("two X-API-Key headers", ambiguous, key_header(victim), key_header(target.admin)),
        both("two Bearer headers", ambiguous, bearer + victim.encode(), bearer + target.admin.encode()),
        both("a header smuggled after CR LF", ambiguous, key_header("cw_garbage-garbage-garbage") + b"\r\n"
             + key_header(target.admin)),
        Abuse("watch key on an admin route", (key_header(victim),), None, frozenset({(403, "insufficient_scope")})),
    ]


def attempts(target: AbuseTarget) -> Iterator[tuple[Abuse, str, Expected]]:
    for abuse in abuses(target):
        if abuse.watch is not None:
            yield abuse, WATCH_ROUTE, abuse.watch
        yield abuse, ADMIN_ROUTE, abuse.admin


def run_every_abuse(target: AbuseTarget) -> list[str]:
    """Send every attempt; what differed from the expectation, or echoed a secret back."""
    secrets = (target.victim, target.admin, target.revoked, target.expired)
    wrong = []
    for abuse, route, expected in attempts(target):
        answer = target.get(route, *abuse.headers)
        if (answer.status, answer.code) not in expected:
            wrong.append(f"{abuse.name} on {route}: {answer.status} {answer.body[:120]!r}, expected {expected}")
        if any(secret.encode() in answer.body for secret in secrets):
            wrong.append(f"{abuse.name} on {route}: a key was echoed back")
    return wrong


def test_no_abusive_credential_gets_through(target: AbuseTarget) -> None:
    assert len(list(attempts(target))) == 61  # the count docs/reliability.md quotes
    assert run_every_abuse(target) == []


def test_refused_requests_count_against_no_key(target: AbuseTarget) -> None:
    freeze(target.services)  # every attempt in one rate-limit window
    before = target.get(WATCH_ROUTE, key_header(target.victim))
    assert before.status == 200 and before.headers["ratelimit-remaining"] == str(VICTIM_LIMIT - 1)

    assert run_every_abuse(target) == []

    after = target.get(WATCH_ROUTE, key_header(target.victim))
    assert after.status == 200 and after.headers["ratelimit-remaining"] == str(VICTIM_LIMIT - 2)
    usage = target.store.usage_for_day(utc_day(now()))
    assert [(u.key_id, u.requests, u.rejected) for u in usage] == [(target.victim_id, 2, 0)]


def test_a_watch_key_is_refused_on_every_admin_operation(target: AbuseTarget) -> None:
    document = target.get("/openapi.json").json()
    keys_before = len(target.store.list_keys(limit=200).items)
    operations = [
        (method.upper(), path.replace("{", "").replace("}", ""))
        for path, item in document["paths"].items()
        if path.startswith("/admin/")
        for method in item
    ]
    body = orjson.dumps({"user_id": "usr_x", "scope": "admin"})
    answers = {
        (method, path): target.request(method, path, [key_header(target.victim)], body if method == "POST" else b"")
        for method, path in operations
    }

    assert len(answers) == 27
    assert {op: (a.status, a.code) for op, a in answers.items()} == {
        op: (403, "insufficient_scope") for op in answers
    }
    assert len(target.store.list_keys(limit=200).items) == keys_before  # not even an attempt to mint one


class Captured(logging.Handler):
    """Every formatted log line, tracebacks included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured_logs() -> Iterator[Captured]:
    """Everything logged at DEBUG and up, the app's loggers (through the root) and uvicorn's
    own, which do not propagate. Attached to uvicorn's after start-up, since starting a server
    reconfigures them."""
    handler = Captured()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for name in ("uvicorn", "uvicorn.access"):
            logging.getLogger(name).removeHandler(handler)


def hidden_windows(secret: str, width: int = 12) -> list[str]:
    """Every `width`-character piece of the part of a key never shown (past the prefix)."""
    hidden = secret[DISPLAY_PREFIX_LENGTH:]
    return [hidden[i : i + width] for i in range(len(hidden) - width + 1)]


def test_no_key_is_logged_in_clear(settings: Settings, sqlite_store: Store, captured_logs: Captured) -> None:
    with running_target(settings, sqlite_store, log_level="debug", access_log=True) as target:
        for name in ("uvicorn", "uvicorn.access"):
            logging.getLogger(name).addHandler(captured_logs)
        admin = [key_header(target.admin)]
        user = target.request("POST", "/admin/users", admin, b'{"email": "log@example.com", "name": "Log"}').json()
        created = target.request(
            "POST", "/admin/keys", admin, orjson.dumps({"user_id": user["id"], "scope": "admin"})
        ).json()
        rolled = target.request("POST", f"/admin/keys/{created['id']}/roll", admin).json()
        assert target.get(ADMIN_ROUTE, key_header(rolled["key"])).status == 200
        assert target.request("POST", f"/admin/keys/{rolled['id']}/revoke", admin).status == 200
        assert target.get(ADMIN_ROUTE, key_header(rolled["key"])).code == "revoked_key"
        assert run_every_abuse(target) == []

    secrets = [target.victim, target.admin, target.revoked, target.expired, created["key"], rolled["key"]]
    text = "\n".join(captured_logs.lines)
    assert text.count(" 401") >= 40 and "POST /admin/keys" in text  # the access log saw the run
    leaked = [piece for secret in secrets for piece in hidden_windows(secret) if piece in text]
    assert leaked == []
