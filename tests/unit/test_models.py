"""The shared models are plain frozen records: what the stores, caches and the updater rely on
(unchanged when they became msgspec Structs rather than dataclasses)."""

from __future__ import annotations

import msgspec
import pytest

from shared.models import ApiKey, Page, PricePoint, Scope

KEY = ApiKey("key_1", "cw_live_ab", "hash", Scope.WATCH, 100, label="watch")


def test_a_model_cannot_be_changed_in_place() -> None:
    with pytest.raises(AttributeError):
        KEY.revoked_at = 200  # type: ignore[misc]


def test_models_compare_and_hash_by_value() -> None:
    same = ApiKey(id="key_1", prefix="cw_live_ab", key_hash="hash", scope=Scope.WATCH, created_at=100, label="watch")

    assert same == KEY and hash(same) == hash(KEY)
    assert {KEY: 1}[same] == 1
    assert PricePoint("BTC", "usd", 1.0, None, 1, "x") != PricePoint("BTC", "usd", 2.0, None, 1, "x")


def test_a_changed_copy_leaves_the_original_alone() -> None:
    revoked = msgspec.structs.replace(KEY, revoked_at=200)

    assert (revoked.revoked_at, KEY.revoked_at) == (200, None)
    assert revoked.refusal(300) == "revoked" and KEY.refusal(300) is None


def test_a_page_gets_its_own_empty_list() -> None:
    first, second = Page[str](), Page[str]()

    first.items.append("x")
    assert second.items == [] and second.next_cursor is None
