"""Portfolio holdings: exact decimals, one holding per symbol and kind, the cap enforced with the
insert (even by racing adds), owner-only access, and the symbols the updater must price."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from shared.errors import Conflict
from shared.models import AssetKind
from shared.store.base import Store
from tests.contract import builders
from tests.contract.builders import NOW, race


def test_quantities_and_cost_basis_read_back_exactly(store: Store) -> None:
    wei = builders.holding("usr_ada", "ETH", quantity="1.000000000000000001", cost_basis="3456.78901234")
    dust = builders.holding("usr_ada", "SHIB", quantity="999999999999999.999999999999999999")

    store.add_holding(wei, cap=50)
    store.add_holding(dust, cap=50)

    found = store.list_holdings("usr_ada")
    assert found == [wei, dust]
    assert [str(h.quantity) for h in found] == ["1.000000000000000001", "999999999999999.999999999999999999"]
    assert str(found[0].cost_basis) == "3456.78901234" and found[1].cost_basis is None
    assert isinstance(found[0].kind, AssetKind)


def test_a_user_holds_a_symbol_once_per_kind(store: Store) -> None:
    store.add_holding(builders.holding("usr_ada", "AAPL", kind=AssetKind.STOCK), cap=50)

    with pytest.raises(Conflict) as refused:
        store.add_holding(builders.holding("usr_ada", "AAPL", kind=AssetKind.STOCK, quantity="3"), cap=50)

    assert refused.value.code == "asset_exists"
    store.add_holding(builders.holding("usr_bob", "AAPL", kind=AssetKind.STOCK), cap=50)
    assert [h.quantity for h in store.list_holdings("usr_ada")] == [Decimal("0.5")]


def test_the_cap_counts_every_asset_of_the_user(store: Store) -> None:
    for symbol in ("BTC", "ETH", "SOL"):
        store.add_holding(builders.holding("usr_ada", symbol), cap=3)

    with pytest.raises(Conflict) as refused:
        store.add_holding(builders.holding("usr_ada", "AAPL", kind=AssetKind.STOCK), cap=3)

    assert refused.value.code == "too_many_assets" and "3" in refused.value.message
    store.add_holding(builders.holding("usr_bob", "AAPL", kind=AssetKind.STOCK), cap=3)
    assert store.delete_holding("usr_ada", store.list_holdings("usr_ada")[0].id)
    store.add_holding(builders.holding("usr_ada", "AAPL", kind=AssetKind.STOCK), cap=3)
    assert len(store.list_holdings("usr_ada")) == 3


def test_racing_adds_for_the_last_slot_leave_the_cap_intact(store: Store) -> None:
    store.add_holding(builders.holding("usr_ada", "BTC"), cap=2)
    candidates = iter(["ETH", "SOL", "ADA", "DOT"])

    def add_one() -> str:
        try:
            store.add_holding(builders.holding("usr_ada", next(candidates)), cap=2)
        except Conflict as refused:
            return refused.code
        return "added"

    assert sorted(race(add_one, runners=4)) == ["added"] + ["too_many_assets"] * 3
    assert len(store.list_holdings("usr_ada")) == 2


def test_only_the_owner_reaches_a_holding(store: Store) -> None:
    mine = store.add_holding(builders.holding("usr_ada", "BTC"), cap=50)

    assert store.get_holding("usr_ada", mine.id) == mine
    assert store.get_holding("usr_bob", mine.id) is None
    assert store.update_holding(msgspec.structs.replace(mine, user_id="usr_bob", quantity=Decimal(9))) is None
    assert store.delete_holding("usr_bob", mine.id) is False
    assert store.get_holding("usr_ada", "ast_nothing") is None
    assert store.list_holdings("usr_bob") == []


def test_an_update_changes_quantity_and_cost_basis_only(store: Store) -> None:
    mine = store.add_holding(builders.holding("usr_ada", "BTC", cost_basis="20000"), cap=50)
    changed = msgspec.structs.replace(mine, quantity=Decimal("0.75"), cost_basis=None, updated_at=NOW + 60)

    assert store.update_holding(changed) == changed
    assert store.get_holding("usr_ada", mine.id) == changed


def test_held_symbols_are_what_anyone_holds_of_a_kind(store: Store) -> None:
    for user, symbol in (("usr_ada", "AAPL"), ("usr_bob", "AAPL"), ("usr_bob", "MSFT")):
        store.add_holding(builders.holding(user, symbol, kind=AssetKind.STOCK), cap=50)
    store.add_holding(builders.holding("usr_ada", "BTC"), cap=50)
    assert store.held_symbols(AssetKind.STOCK) == ["AAPL", "MSFT"]

    bob_msft = next(h for h in store.list_holdings("usr_bob") if h.symbol == "MSFT")
    assert store.delete_holding("usr_bob", bob_msft.id)
    ada_aapl = store.list_holdings("usr_ada")[0]
    assert store.delete_holding("usr_ada", ada_aapl.id)

    assert store.held_symbols(AssetKind.STOCK) == ["AAPL"]
    assert store.held_symbols(AssetKind.CRYPTO) == ["BTC"]


def test_deleting_a_user_deletes_their_holdings(store: Store) -> None:
    ada = store.create_user(builders.user())
    store.add_holding(builders.holding(ada.id, "TSLA", kind=AssetKind.STOCK), cap=50)

    assert store.delete_user(ada.id, NOW)

    assert store.list_holdings(ada.id) == []
    assert store.held_symbols(AssetKind.STOCK) == []
