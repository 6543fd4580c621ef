"""The watch API: what a watch sends and what it gets back (in-process, no socket)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from shared.config import Settings
from shared.ids import next_tick, now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope, UpdateStatus
from shared.store.base import Store
from tests.api.conftest import WatchService
from tests.conftest import settings_for
from tests.support.clock import freeze
from tests.support.inprocess import served
from tests.support.seed import seed_prices


def get(service: WatchService, path: str, key: str | None = "watch", **headers: str) -> httpx.Response:
    if key == "watch":
        headers["X-API-Key"] = service.key
    elif key is not None:
        headers["X-API-Key"] = key
    return service.http.get(path, headers=headers)


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == code
    assert body["message"]
    assert "Traceback" not in response.text


class TestAuthentication:
    def test_no_key_is_401_missing(self, watch_service: WatchService) -> None:
        assert_error(get(watch_service, "/v1/prices", key=None), 401, "missing_key")

    @pytest.mark.parametrize("bad", ["cw_" + "x" * 32, "nonsense", "cw_" + "y" * 500, "cw_ключ-ключ-ключ-ключ"])
    def test_a_wrong_key_is_401_unknown(self, watch_service: WatchService, bad: str) -> None:
        response = watch_service.http.get("/v1/prices", headers=[(b"X-API-Key", bad.encode())])
        assert_error(response, 401, "unknown_key")

    def test_bearer_authorization_works_too(self, watch_service: WatchService) -> None:
        response = get(watch_service, "/v1/prices?symbols=BTC", key=None,
                       Authorization=f"Bearer {watch_service.key}")
        assert response.status_code == 200

    def test_revoked_and_expired_keys_say_why(self, watch_service: WatchService) -> None:
        store, at = watch_service.store, now()
        revoked = issue_key(store, Scope.WATCH, at)
        store.revoke_key(revoked.record.id, at)
        expired = issue_key(store, Scope.WATCH, at, expires_at=at - 1)
        assert_error(get(watch_service, "/v1/prices", key=revoked.secret), 401, "revoked_key")
        assert_error(get(watch_service, "/v1/prices", key=expired.secret), 401, "expired_key")

    def test_a_watch_key_may_not_use_admin_routes(self, watch_service: WatchService) -> None:
        assert_error(get(watch_service, "/admin/users"), 403, "insufficient_scope")


class TestPrices:
    def test_good_key_gets_the_documented_compact_body(self, watch_service: WatchService) -> None:
        response = get(watch_service, "/v1/prices?symbols=BTC,ETH,SOL")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert body["c"] == "usd"  # no vs asked: the body says which default it got
        assert body["p"] == {"BTC": [97123.5, -1.23], "ETH": [3456.79, 0.85], "SOL": [245.123, 3.1]}
        assert "s" not in body and "u" not in body
        assert len(response.content) <= 120

    def test_a_currency_the_watch_named_is_not_repeated(self, watch_service: WatchService) -> None:
        named = get(watch_service, "/v1/prices?symbols=BTC&vs=usd").json()
        defaulted = get(watch_service, "/v1/prices?symbols=BTC").json()
        assert "c" not in named
        assert defaulted == {**named, "c": "usd"}

    def test_symbols_are_case_insensitive_and_unknown_ones_reported(self, watch_service: WatchService) -> None:
        body = get(watch_service, "/v1/prices?symbols=btc,NOPE,eth").json()
        assert set(body["p"]) == {"BTC", "ETH"}
        assert body["u"] == ["NOPE"]

    def test_single_symbol_route_gives_that_coin_alone(self, watch_service: WatchService) -> None:
        response = get(watch_service, "/v1/prices/sol?vs=usd")
        assert response.json() == {"t": get(watch_service, "/v1/prices").json()["t"], "p": [245.123, 3.1]}
        assert len(response.content) <= 40
        assert get(watch_service, "/v1/prices/sol").json()["c"] == "usd"
        assert_error(get(watch_service, "/v1/prices/NOPE"), 404, "unknown_symbol")

    def test_a_supported_coin_without_a_price_yet_is_null(self, settings: Settings, store: Store) -> None:
        key = issue_key(store, Scope.WATCH, now())
        with served(create_app(settings, store)) as http:
            response = http.get("/v1/prices/BTC?vs=usd", headers={"X-API-Key": key.secret})
        assert (response.status_code, response.json()) == (200, {"t": 0, "p": None})

    def test_etag_and_if_none_match_give_304_without_body(self, watch_service: WatchService) -> None:
        first = get(watch_service, "/v1/prices?symbols=BTC")
        etag = first.headers["etag"]
        again = get(watch_service, "/v1/prices?symbols=BTC", **{"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        other = get(watch_service, "/v1/prices?symbols=ETH", **{"If-None-Match": etag})
        assert other.status_code == 200

    def test_cache_control_counts_down_to_the_next_refresh(self, watch_service: WatchService) -> None:
        """The local loop refreshes at wall-clock multiples of the interval (12:00, 12:05...),
        so after a cycle that ended at 12:01:10 the next data is due at 12:05:00."""
        interval = watch_service.settings.update_interval_seconds
        at = now()
        finished = at - 5
        seed_prices(watch_service.store, finished)
        due = min(finished + interval, int(next_tick(finished, interval)))

        cache_control = get(watch_service, "/v1/prices?symbols=ETH").headers["cache-control"]

        max_age = int(cache_control.removeprefix("private, max-age="))
        assert due - now() <= max_age <= max(5, due - at)

    @pytest.mark.parametrize(
        ("query", "code"),
        [
            ("symbols=B$C", "invalid_symbol"),
            ("symbols=,,", "invalid_symbol"),
            ("vs=eur", "unsupported_currency"),
            ("symbols=" + ",".join(f"S{i}" for i in range(26)), "too_many_symbols"),
        ],
    )
    def test_bad_queries_are_400_with_a_reason(self, watch_service: WatchService, query: str, code: str) -> None:
        assert_error(get(watch_service, f"/v1/prices?{query}"), 400, code)

    def test_unknown_route_and_method_are_json_errors(self, watch_service: WatchService) -> None:
        assert_error(get(watch_service, "/v1/nothing-here"), 404, "not_found")
        response = watch_service.http.post("/v1/prices", headers={"X-API-Key": watch_service.key})
        assert_error(response, 405, "method_not_allowed")


def test_prices_older_than_two_cycles_are_flagged_stale(settings: Settings, store: Store) -> None:
    old = now() - 3 * settings.update_interval_seconds
    seed_prices(store, old)
    key = issue_key(store, Scope.WATCH, now())
    with served(create_app(settings, store)) as http:
        body = http.get("/v1/prices?symbols=BTC", headers={"X-API-Key": key.secret}).json()
        health = http.get("/health")
    assert body["s"] == 1
    assert body["p"]["BTC"][0] == 97123.5  # the last good price is still served
    assert health.status_code == 503
    assert health.json()["status"] == "stale"


def test_quote_currency_is_chosen_per_request(tmp_path: Path, store: Store) -> None:
    settings = settings_for(tmp_path, vs_currencies=("usd", "eur"))
    at = now()
    seed_prices(store, at)
    store.put_prices([PricePoint("BTC", "eur", 90001.0, -1.0, at, "coingecko")])
    key = issue_key(store, Scope.WATCH, at)
    with served(create_app(settings, store)) as http:
        body = http.get("/v1/prices?symbols=BTC,ETH&vs=EUR", headers={"X-API-Key": key.secret}).json()
    assert body == {"t": at, "p": {"BTC": [90001, -1]}, "u": ["ETH"]}


class TestRepeatPolls:
    """A watch's repeat poll (a known URL with a cached key) is answered by the fast lane: it
    must look exactly like the first poll, which went through the whole stack."""

    @pytest.mark.parametrize("path", ["/v1/prices?symbols=BTC,ETH", "/v1/prices/ETH?vs=usd"])
    def test_a_repeat_poll_answers_exactly_as_the_first(self, watch_service: WatchService, path: str) -> None:
        first, second = get(watch_service, path), get(watch_service, path)

        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        assert first.headers.keys() == second.headers.keys()
        assert first.headers["etag"] == second.headers["etag"]
        assert int(second.headers["ratelimit-remaining"]) == int(first.headers["ratelimit-remaining"]) - 1
        third = get(watch_service, path, **{"If-None-Match": first.headers["etag"]})
        assert third.status_code == 304 and third.content == b""

    def test_a_key_that_expires_between_polls_is_refused_on_the_next(self, watch_service: WatchService) -> None:
        at = now()
        key = issue_key(watch_service.store, Scope.WATCH, at, expires_at=at + 2).secret
        assert get(watch_service, "/v1/prices?symbols=BTC", key=key).status_code == 200
        assert get(watch_service, "/v1/prices?symbols=BTC", key=key).status_code == 200
        while now() < at + 2:
            time.sleep(0.1)
        assert_error(get(watch_service, "/v1/prices?symbols=BTC", key=key), 401, "expired_key")


class TestRateLimit:
    def test_the_101st_request_in_a_minute_is_429_with_retry_after(self, watch_service: WatchService) -> None:
        freeze(watch_service.services)
        with watch_service.connect({"X-API-Key": watch_service.key}) as client:
            answers = [client.get("/v1/prices?symbols=BTC") for _ in range(100)]
            refused = client.get("/v1/prices?symbols=BTC")
        assert [r.status_code for r in answers] == [200] * 100
        last = answers[-1]
        assert last.headers["ratelimit-limit"] == "100"
        assert last.headers["ratelimit-remaining"] == "0"
        assert last.headers["ratelimit-policy"] == '"default";q=100;w=60'
        assert last.headers["ratelimit"].startswith('"default";r=0;t=')
        assert_error(refused, 429, "rate_limited")
        assert 1 <= int(refused.headers["retry-after"]) <= 60

    def test_a_per_key_limit_overrides_the_default(self, watch_service: WatchService) -> None:
        freeze(watch_service.services)
        small = issue_key(watch_service.store, Scope.WATCH, now(), rate_limit=3)
        codes = [get(watch_service, "/v1/prices", key=small.secret).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert get(watch_service, "/v1/prices").status_code == 200  # other keys are unaffected

    def test_refused_keys_do_not_count_against_anyone(self, watch_service: WatchService) -> None:
        freeze(watch_service.services)
        for _ in range(5):
            get(watch_service, "/v1/prices", key="cw_" + "z" * 32)
        assert get(watch_service, "/v1/prices").headers["ratelimit-remaining"] == "99"


class TestHistory:
    def test_sparkline_points_are_evenly_spaced_and_compact(self, watch_service: WatchService) -> None:
        store, at = watch_service.store, now()
        store.put_prices([PricePoint("BTC", "usd", 90_000.0 + i, 0.0, at - 3600 * i, "coingecko")
                          for i in range(1, 30)])
        response = get(watch_service, "/v1/history/btc?hours=24&points=12")
        assert response.status_code == 200
        body = response.json()
        assert (body["s"], body["c"], body["i"]) == ("BTC", "usd", 7200)
        assert "c" not in get(watch_service, "/v1/history/btc?hours=24&points=12&vs=usd").json()
        assert len(body["p"]) == 12
        assert all(isinstance(p, (int, float)) for p in body["p"])
        assert body["p"][:-1] == sorted(body["p"][:-1], reverse=True)  # older points were higher
        assert response.headers["etag"]
        assert len(response.content) < 200

    def test_the_last_point_is_the_latest_price_even_from_this_minute(self, watch_service: WatchService) -> None:
        store, at = watch_service.store, now()
        store.put_prices([PricePoint("BTC", "usd", 90_000.0, 0.0, at - 7260, "coingecko")])
        latest = get(watch_service, "/v1/prices/BTC").json()["p"][0]  # seeded this second

        body = get(watch_service, "/v1/history/BTC?hours=24&points=12").json()

        assert body["p"][-1] == latest == 97123.5
        assert body["p"][-2] == 90_000  # two hours before this minute
        assert body["p"][:-2] == [None] * 10

    def test_history_parameters_are_checked(self, watch_service: WatchService) -> None:
        assert_error(get(watch_service, "/v1/history/BTC?points=1000"), 400, "invalid_request")
        assert_error(get(watch_service, "/v1/history/NOPE"), 404, "unknown_symbol")


class TestHealth:
    def test_healthy_service_is_200_without_auth(self, watch_service: WatchService) -> None:
        response = watch_service.http.get("/health")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["store"] == "ok"
        assert body["prices_age_seconds"] <= 5
        assert body["last_update"]["ok"] is True
        assert response.headers["cache-control"] == "no-store"

    def test_health_turns_503_when_prices_go_stale(self, watch_service: WatchService) -> None:
        assert watch_service.http.get("/health").status_code == 200
        old = now() - 2 * watch_service.settings.update_interval_seconds - 5
        watch_service.store.record_update(
            UpdateStatus(ok=True, source="coingecko", started_at=old, finished_at=old, symbols_updated=3,
                         last_success_at=old)
        )
        response = watch_service.http.get("/health")
        assert response.status_code == 503
        assert response.json()["status"] == "stale"
