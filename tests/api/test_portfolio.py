"""The portfolio over real HTTP, on every store backend: the owner's holdings, the watch body
the prices served at the same moment give, the summary, and the operator's view."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import httpx
import msgspec
import pytest

from shared.ids import now
from shared.keyring import issue_key
from shared.models import PricePoint, Scope
from shared.portfolio import MAX_ASSETS_PER_USER
from shared.shapes.portfolio import Portfolio
from shared.users import create_user
from tests.api.conftest import WatchService
from tests.api.test_watch_api import assert_error

#: Prices with at most six significant digits, so the served (rounded) price is the stored one, and
#: sums that are no rounding tie.
BTC, AAPL = 67_187.4, 189.84


@dataclass
class Owner:
    client: httpx.Client
    user_id: str


@pytest.fixture
def owner(watch_service: WatchService) -> Iterator[Owner]:
    """A user with a watch key of theirs, and the prices of BTC and AAPL (a stock) in place."""
    at = now()
    watch_service.store.put_prices([
        PricePoint("BTC", "usd", BTC, 2.0, at, "coingecko"),
        PricePoint("AAPL", "usd", AAPL, -1.0, at, "yahoo"),
    ])
    user = create_user(watch_service.store, email="ada@example.com", name="Ada")
    key = issue_key(watch_service.store, Scope.WATCH, at, user_id=user.id, label="wrist")
    with watch_service.connect({"X-API-Key": key.secret}) as client:
        yield Owner(client, user.id)


def add(owner: Owner, **asset: object) -> httpx.Response:
    return owner.client.post("/v1/portfolio/assets", json=asset)


def test_half_a_bitcoin_and_ten_apple_shares_are_worth_what_the_served_prices_say(owner: Owner) -> None:
    assert add(owner, symbol="BTC", kind="crypto", quantity="0.5", cost_basis="20000").status_code == 201
    assert add(owner, symbol="aapl", kind="stock", quantity="10", cost_basis="1500").status_code == 201

    prices = owner.client.get("/v1/prices?symbols=BTC,AAPL&vs=usd").json()["p"]
    watch = owner.client.get("/v1/portfolio?vs=usd")

    (btc, btc_change), (aapl, aapl_change) = prices["BTC"], prices["AAPL"]
    total = Decimal("0.5") * Decimal(str(btc)) + 10 * Decimal(str(aapl))
    before = Decimal("0.5") * Decimal(str(btc)) / Decimal(str(1 + btc_change / 100)) + 10 * Decimal(
        str(aapl)) / Decimal(str(1 + aapl_change / 100))
    body = msgspec.json.decode(watch.content, type=Portfolio)
    assert watch.status_code == 200 and len(watch.content) <= 60, watch.content
    assert body.v == float(f"{total:.6g}")  # six significant digits, as on the price bodies
    assert body.h == round(float((total / before - 1) * 100), 2)
    assert body.g == float(f"{total - 21_500:.6g}")
    assert 5 <= body.n <= 300 and body.t > 0


def test_the_watch_body_is_cached_by_its_numbers(owner: Owner, watch_service: WatchService) -> None:
    add(owner, symbol="BTC", kind="crypto", quantity="1")
    first = owner.client.get("/v1/portfolio?vs=usd")

    again = owner.client.get("/v1/portfolio?vs=usd", headers={"If-None-Match": first.headers["etag"]})

    assert first.headers["etag"].startswith('W/"') and again.status_code == 304 and again.content == b""
    assert first.headers["cache-control"].startswith("private, max-age=")
    add(owner, symbol="TSLA", kind="stock", quantity="1")  # no TSLA price yet: the body says so
    changed = owner.client.get("/v1/portfolio?vs=usd", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.json()["u"] == 1


def test_holdings_are_managed_by_their_owner_exactly(owner: Owner, watch_service: WatchService) -> None:
    created = add(owner, symbol="ETH", kind="crypto", quantity="1.000000000000000001").json()
    assert created["quantity"] == "1.000000000000000001" and created["cost_basis"] is None

    changed = owner.client.put(f"/v1/portfolio/assets/{created['id']}", json={"quantity": "0.000000000000000001",
                                                                             "cost_basis": "12.5"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["quantity"], changed.json()["cost_basis"]) == ("0.000000000000000001", "12.5")
    assert [a["quantity"] for a in owner.client.get("/v1/portfolio/assets").json()["items"]] == [
        "0.000000000000000001"
    ]

    assert owner.client.delete(f"/v1/portfolio/assets/{created['id']}").status_code == 204
    assert owner.client.get("/v1/portfolio/assets").json() == {"items": []}
    assert_error(owner.client.delete(f"/v1/portfolio/assets/{created['id']}"), 404, "asset_not_found")


def test_another_users_holding_is_not_found(owner: Owner, watch_service: WatchService) -> None:
    theirs = add(owner, symbol="BTC", kind="crypto", quantity="1").json()
    stranger = create_user(watch_service.store, email="bob@example.com", name="Bob")
    key = issue_key(watch_service.store, Scope.WATCH, now(), user_id=stranger.id)
    headers = {"X-API-Key": key.secret}
    url = f"/v1/portfolio/assets/{theirs['id']}"

    assert_error(watch_service.http.put(url, json={"quantity": "2"}, headers=headers), 404, "asset_not_found")
    assert_error(watch_service.http.delete(url, headers=headers), 404, "asset_not_found")
    assert watch_service.http.get("/v1/portfolio/assets", headers=headers).json() == {"items": []}


@pytest.mark.parametrize(
    ("asset", "status", "code"),
    [
        ({"symbol": "NOPE", "kind": "crypto", "quantity": "1"}, 400, "unknown_symbol"),
        ({"symbol": "BTC", "kind": "stock", "quantity": "1"}, 400, "ambiguous_symbol"),
        ({"symbol": "BTC", "kind": "crypto", "quantity": "-1"}, 400, "invalid_quantity"),
        ({"symbol": "BTC", "kind": "crypto", "quantity": "1e20"}, 400, "invalid_quantity"),
        ({"symbol": "BTC", "kind": "crypto", "quantity": "lots"}, 400, "invalid_quantity"),
        ({"symbol": "BTC", "kind": "crypto", "quantity": 0.5}, 400, "invalid_quantity"),
        ({"symbol": "BTC", "kind": "crypto", "quantity": "1", "cost_basis": "-2"}, 400, "invalid_cost_basis"),
        ({"symbol": "BTC", "kind": "gold", "quantity": "1"}, 400, "invalid_field"),
        ({"symbol": "BTC", "kind": "crypto"}, 400, "missing_field"),
    ],
)
def test_bad_assets_get_a_400_naming_the_problem(owner: Owner, asset: dict[str, object], status: int,
                                                 code: str) -> None:
    assert_error(add(owner, **asset), status, code)


def test_a_second_holding_of_a_symbol_and_one_too_many(owner: Owner, watch_service: WatchService) -> None:
    add(owner, symbol="BTC", kind="crypto", quantity="1")
    assert_error(add(owner, symbol="BTC", kind="crypto", quantity="2"), 409, "asset_exists")

    for n in range(MAX_ASSETS_PER_USER - 1):
        assert add(owner, symbol=f"S{n}", kind="stock", quantity="1").status_code == 201
    assert_error(add(owner, symbol="ONEMORE", kind="stock", quantity="1"), 409, "too_many_assets")


def test_the_summary_values_each_holding_and_the_operator_sees_it(owner: Owner, watch_service: WatchService) -> None:
    add(owner, symbol="BTC", kind="crypto", quantity="0.5", cost_basis="20000")
    add(owner, symbol="AAPL", kind="stock", quantity="10")
    add(owner, symbol="TSLA", kind="stock", quantity="3")

    mine = owner.client.get("/v1/portfolio/summary").json()
    admin = watch_service.http.get(f"/admin/users/{owner.user_id}/portfolio",
                      headers={"X-API-Key": watch_service.admin_key}, timeout=10).json()

    assert mine == admin
    assert (mine["crypto"], mine["stock"], mine["total"]) == (BTC / 2, AAPL * 10, BTC / 2 + AAPL * 10)
    assert mine["profit"] == float(Decimal(str(BTC)) / 2 - 20_000) and mine["unpriced"] == ["TSLA"]
    btc = next(h for h in mine["holdings"] if h["symbol"] == "BTC")
    assert (btc["quantity"], btc["price"], btc["value"], btc["change_24h"]) == ("0.5", BTC, BTC / 2, 2.0)
    assert_error(owner.client.get(f"/admin/users/{owner.user_id}/portfolio"), 403, "insufficient_scope")
    assert_error(watch_service.http.get("/admin/users/usr_nobody/portfolio",
                           headers={"X-API-Key": watch_service.admin_key}), 404, "user_not_found")


def test_a_key_without_an_owner_has_no_portfolio(watch_service: WatchService) -> None:
    response = watch_service.http.get("/v1/portfolio", headers={"X-API-Key": watch_service.key})
    assert_error(response, 403, "no_owner")


def test_the_operator_sets_an_alert_on_a_portfolio_total(owner: Owner, watch_service: WatchService) -> None:
    created = watch_service.http.post("/admin/alerts", headers={"X-API-Key": watch_service.admin_key},
                         json={"user_id": owner.user_id, "symbol": "portfolio", "condition": "above",
                               "target": 50_000}, timeout=10)

    assert created.status_code == 201, created.text
    assert created.json()["symbol"] == "PORTFOLIO"


def test_the_operator_exports_a_users_holdings_and_their_value(owner: Owner, watch_service: WatchService) -> None:
    add(owner, symbol="BTC", kind="crypto", quantity="0.5")
    admin = {"X-API-Key": watch_service.admin_key}

    created = watch_service.http.post("/admin/exports", headers=admin, json={"user_id": owner.user_id},
                         timeout=10)
    unknown = watch_service.http.post("/admin/exports", headers=admin, json={"user_id": "usr_nobody"},
                         timeout=10)

    assert created.status_code == 201, created.text
    assert created.json()["file_key"].startswith(f"exports/portfolio_{owner.user_id}_")
    document = watch_service.http.get(created.json()["url"], headers=admin, timeout=10).json()
    assert [(h["symbol"], h["quantity"]) for h in document["holdings"]] == [("BTC", "0.5")]
    assert document["valuation"][-1]["value"] == BTC / 2
    assert_error(unknown, 404, "user_not_found")


def test_a_warm_portfolio_poll_reads_no_holdings_and_an_edit_is_seen_at_once(
    owner: Owner, watch_service: WatchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(owner, symbol="BTC", kind="crypto", quantity="1")
    owner.client.get("/v1/portfolio?vs=usd")
    store, reads = watch_service.store, []
    real = store.list_holdings

    def counted(user_id: str) -> list[object]:
        reads.append(user_id)
        return real(user_id)  # type: ignore[return-value]

    monkeypatch.setattr(store, "list_holdings", counted)
    for _ in range(3):
        assert owner.client.get("/v1/portfolio?vs=usd").status_code == 200
    assert reads == []

    add(owner, symbol="ETH", kind="crypto", quantity="2")
    crypto = owner.client.get("/v1/portfolio/summary").json()["crypto"]
    assert crypto == float(Decimal(str(BTC)) + 2 * Decimal("3456.789"))  # ETH's seeded price
    assert reads == [owner.user_id]
