"""Schemathesis against the live server's /openapi.json: every route and method, generated
valid and invalid requests, no 5xx, and every answer conforms to what the document says."""

from __future__ import annotations

import collections
import dataclasses
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, settings

from api.app import create_app
from api.routes.admin_stats import DAYS_KEPT
from shared.config import Settings
from shared.ids import now, utc_day
from shared.keyring import issue_key
from shared.limits import DAY_PATTERN
from shared.models import Scope
from shared.store.sqlite import SQLiteStore
from shared.users import create_user
from tests.conftest import settings_for
from tests.support.seed import seed_history, seed_prices
from tests.support.server import serve

#: Generated cases per operation and phase. 25 keeps the CI run near a minute on two cores;
#: FUZZ_MAX_EXAMPLES=300 is the deeper run quoted in docs/reliability.md.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
CREDENTIAL_HEADERS = frozenset({"x-api-key", "authorization"})


@dataclasses.dataclass(frozen=True)
class FuzzTarget:
    url: str
    watch_key: str
    admin_key: str

    def authenticate(self, case: schemathesis.Case) -> dict[str, str]:
        """The key for the case's route, in place of the credentials schemathesis made up from
        the security schemes (a second, different key would be refused as ambiguous_key)."""
        for name in [name for name in case.headers or {} if name.lower() in CREDENTIAL_HEADERS]:
            del case.headers[name]
        return {"X-API-Key": self.admin_key if case.path.startswith("/admin") else self.watch_key}


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    settings: Settings = settings_for(  # limits lifted: the fuzzer sends hundreds of requests, many keyless
        tmp_path_factory.mktemp("fuzz"), rate_limit_per_minute=1_000_000, auth_failures_per_minute=1_000_000,
        webhook_secret="fuzz-webhook-secret-0123", login_failures_per_minute=10_000,
    )
    store = SQLiteStore(settings.sqlite_path)
    store.init()
    at = now()
    seed_prices(store, at)
    seed_history(store)
    owner = create_user(store, email="fuzz@example.com", name="Fuzz")
    watch = issue_key(store, Scope.WATCH, at, user_id=owner.id, label="fuzz watch")
    admin = issue_key(store, Scope.ADMIN, at, label="fuzz admin")
    with serve(create_app(settings, store)) as server:
        yield FuzzTarget(server.url, watch.secret, admin.secret)


def within_time_rules(case: schemathesis.Case) -> bool:
    """Rules that depend on the clock, which no schema can state: a new key's expiry lies in
    the future, an export's start is not after its end (its default end is now), a stats day
    is one whose usage is still kept. Generated requests that break them are left out;
    tests/admin checks their 400s."""
    body = case.body if isinstance(case.body, dict) else {}
    at = now()
    day = (case.query or {}).get("day")
    if case.path == "/admin/stats" and isinstance(day, str) and re.fullmatch(DAY_PATTERN, day):
        return day in {utc_day(at - n * 86_400) for n in range(DAYS_KEPT)}
    if case.path == "/admin/keys" and isinstance(body.get("expires_at"), int | float):
        return bool(body["expires_at"] > at + 60)
    if case.path == "/admin/exports" and isinstance(body.get("start"), int | float):
        end = body.get("end")
        return bool(body["start"] <= (end if isinstance(end, int | float) else at))
    return True


#: Message framing, set by the HTTP client: a bad value is refused by uvicorn's parser before
#: the app runs, in plain text, and is no part of what the document describes.
FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "host", "connection", "expect"})


def without_made_up_cursor(case: schemathesis.Case) -> None:
    """A cursor is one a previous page returned, which no schema can state either: a generated
    one is dropped from the query (tests/admin/test_pagination.py checks their 400s)."""
    if case.query:
        case.query.pop("cursor", None)


def keeps_framing_intact(case: schemathesis.Case) -> bool:
    return not any(name.lower() in FRAMING_HEADERS for name in case.headers or {})


#: What counts as refusing an invalid request: schemathesis's list plus 413 and 414, which this
#: API answers for an oversize body or query string (both documented on every operation). RFC 8628's
#: token endpoint answers a well-formed poll 400 until its pairing is approved
#: (`authorization_pending`, or `invalid_grant` for a device code it never issued), so there, and
#: only there, a 400 to a schema-valid request is the protocol, not a refusal.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "413", "414", "415",
                                      "422", "428", "429", "5xx"],
            }
        },
        "operations": [
            {
                "include-path": "/v1/pair/token",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"],
                    }
                },
            }
        ],
    }
)


@pytest.fixture(scope="module")
def api_schema(fuzz_target: FuzzTarget) -> Any:
    return schemathesis.openapi.from_url(f"{fuzz_target.url}/openapi.json", config=CONFIG)


# Schemathesis leaves out the operation that served the document unless a filter names it;
# /openapi.json is a route of this API like any other, so every path is named.
schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex="^/")


#: Requests sent per operation, reported in the run's summary (tests/conftest.py).
SENT: collections.Counter[str] = collections.Counter()


@pytest.fixture(autouse=True)
def count_requests(record_property: Callable[[str, object], None]) -> Iterator[None]:
    yield
    record_property("fuzz_requests", dict(SENT))


#: derandomize: the same cases on every run, so a red CI is a change's doing, never the draw's
#: (the deeper FUZZ_MAX_EXAMPLES run reaches further cases). deadline=None: the time a case
#: takes is the live server's, not the generator's. too_slow is suppressed because drawing the
#: larger bodies on a shared two-core CI machine can take longer than Hypothesis' budget; the
#: other health checks stay on, so a pattern no generator can satisfy fails loudly.
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_operation_conforms(case: schemathesis.Case, fuzz_target: FuzzTarget) -> None:
    assume(within_time_rules(case) and keeps_framing_intact(case))
    without_made_up_cursor(case)
    SENT[case.operation.label] += 1
    case.call_and_validate(base_url=fuzz_target.url, headers=fuzz_target.authenticate(case))
