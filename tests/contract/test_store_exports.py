"""Exports metadata: round trip and newest-first listing."""

from __future__ import annotations

from shared.store.base import Store
from tests.contract import builders
from tests.contract.builders import collect


def test_an_export_record_round_trips_with_its_symbols_as_a_tuple(store: Store) -> None:
    record = builders.export(symbols=("BTC", "ETH", "SOL"))

    assert store.create_export(record) == record

    found = store.get_export(record.id)
    assert found == record
    assert found is not None and found.symbols == ("BTC", "ETH", "SOL")
    assert store.get_export("exp_nothing") is None


def test_exports_are_listed_newest_first_across_pages(store: Store) -> None:
    made = [store.create_export(builders.export(symbols=(s,))) for s in ("BTC", "ETH", "SOL", "ADA")]

    first = store.list_exports(limit=3)
    listed = collect(lambda cursor: store.list_exports(limit=3, cursor=cursor))

    assert first.items == sorted(made, key=lambda e: e.id, reverse=True)[:3]
    assert listed == sorted(made, key=lambda e: e.id, reverse=True)
    assert store.list_exports(limit=10).next_cursor is None
