"""Pending pairings (RFC 8628) and attempt counters: found by either code hash until they are
forgotten, decided once, redeemed once together with their key, and counted exactly."""

from __future__ import annotations

import msgspec
import pytest

from shared.errors import Conflict
from shared.ids import new_id
from shared.pairing.model import KEEP_EXPIRED_SECONDS, Pairing, PairingStatus
from shared.store.base import Store
from tests.contract import builders
from tests.contract.builders import NOW, race


def pairing(*, expires_at: int = NOW + 600, user_code_hash: str | None = None) -> Pairing:
    pairing_id = new_id("pair")
    return Pairing(
        id=pairing_id,
        device_code_hash=f"device-{pairing_id}",
        user_code_hash=user_code_hash or f"user-{pairing_id}",
        created_at=NOW,
        expires_at=expires_at,
        interval=5,
    )


def approved(store: Store, *, expires_at: int = NOW + 600) -> Pairing:
    made = store.create_pairing(pairing(expires_at=expires_at), NOW)
    decided = store.decide_pairing(made.device_code_hash, PairingStatus.APPROVED, NOW, user_id="usr_ada")
    assert decided is not None
    return decided


def test_a_pairing_is_found_by_either_code_with_every_field_intact(store: Store) -> None:
    made = store.create_pairing(pairing(), NOW)

    assert store.get_pairing(made.device_code_hash, NOW) == made
    assert store.find_pairing_by_user_code(made.user_code_hash, NOW) == made
    found = store.get_pairing(made.device_code_hash, NOW)
    assert found is not None and found.status is PairingStatus.PENDING
    assert store.get_pairing("device-nothing", NOW) is None
    assert store.find_pairing_by_user_code("user-nothing", NOW) is None


def test_an_expired_pairing_is_still_read_for_an_hour_then_forgotten(store: Store) -> None:
    made = store.create_pairing(pairing(), NOW)
    after_expiry = made.expires_at + 1
    forgotten = made.expires_at + KEEP_EXPIRED_SECONDS

    assert store.get_pairing(made.device_code_hash, after_expiry) == made
    assert store.get_pairing(made.device_code_hash, forgotten) is None
    assert store.find_pairing_by_user_code(made.user_code_hash, forgotten) is None


def test_a_live_pairing_keeps_its_codes_and_a_forgotten_one_gives_them_up(store: Store) -> None:
    first = store.create_pairing(pairing(), NOW)
    same_user_code = pairing(user_code_hash=first.user_code_hash)
    same_device_code = msgspec.structs.replace(pairing(), device_code_hash=first.device_code_hash)

    for clash in (same_user_code, same_device_code):
        with pytest.raises(Conflict) as refused:
            store.create_pairing(clash, NOW)
        assert refused.value.code == "pairing_exists"
    assert store.find_pairing_by_user_code(first.user_code_hash, NOW) == first

    later = first.forget_at
    again = msgspec.structs.replace(same_user_code, created_at=later, expires_at=later + 600)
    assert store.create_pairing(again, later) == again
    assert store.find_pairing_by_user_code(first.user_code_hash, later) == again


def test_of_two_polls_at_once_exactly_one_is_recorded(store: Store) -> None:
    made = store.create_pairing(pairing(), NOW)

    wins = race(lambda: store.record_poll(made, NOW + 5, 5), runners=4)

    assert sorted(wins) == [False, False, False, True]
    polled = store.get_pairing(made.device_code_hash, NOW + 5)
    assert polled is not None and polled.last_polled_at == NOW + 5
    assert store.record_poll(polled, NOW + 7, 10)
    slowed = store.get_pairing(made.device_code_hash, NOW + 7)
    assert slowed is not None and (slowed.last_polled_at, slowed.interval) == (NOW + 7, 10)
    assert not store.record_poll(made, NOW + 9, 5)  # a stale view of the pairing


def test_a_pending_pairing_is_decided_once(store: Store) -> None:
    made = store.create_pairing(pairing(), NOW)

    decided = store.decide_pairing(
        made.device_code_hash, PairingStatus.APPROVED, NOW + 30, user_id="usr_ada", label="Ada's watch"
    )

    approved = msgspec.structs.replace(made, status=PairingStatus.APPROVED, user_id="usr_ada", label="Ada's watch")
    assert decided == approved
    assert store.get_pairing(made.device_code_hash, NOW + 30) == decided
    assert store.decide_pairing(made.device_code_hash, PairingStatus.DENIED, NOW + 31) is None
    assert store.get_pairing(made.device_code_hash, NOW + 31) == decided


def test_a_denied_or_expired_pairing_cannot_be_approved(store: Store) -> None:
    denied = store.create_pairing(pairing(), NOW)
    expired = store.create_pairing(pairing(expires_at=NOW + 60), NOW)

    assert store.decide_pairing(denied.device_code_hash, PairingStatus.DENIED, NOW) is not None
    assert store.decide_pairing(denied.device_code_hash, PairingStatus.APPROVED, NOW, user_id="usr_x") is None
    assert store.decide_pairing(expired.device_code_hash, PairingStatus.APPROVED, NOW + 60, user_id="usr_x") is None
    assert store.decide_pairing("device-nothing", PairingStatus.APPROVED, NOW, user_id="usr_x") is None
    still = store.get_pairing(expired.device_code_hash, NOW + 60)
    assert still is not None and still.status is PairingStatus.PENDING


def test_redeeming_an_approved_pairing_creates_its_key_and_spends_it(store: Store) -> None:
    made = approved(store)
    key = builders.key(user_id="usr_ada")

    assert store.redeem_pairing(made, key, NOW + 10)

    assert store.find_key_by_hash(key.key_hash) == key
    spent = store.get_pairing(made.device_code_hash, NOW + 10)
    assert spent is not None and (spent.status, spent.key_id) == (PairingStatus.REDEEMED, key.id)
    another = builders.key(user_id="usr_ada")
    assert not store.redeem_pairing(made, another, NOW + 11)
    assert store.find_key_by_hash(another.key_hash) is None


def test_racing_redemptions_hand_out_exactly_one_key(store: Store) -> None:
    made = approved(store)
    keys = [builders.key(user_id="usr_ada") for _ in range(4)]
    turns = iter(keys)

    wins = race(lambda: (key := next(turns), store.redeem_pairing(made, key, NOW + 10)), runners=4)

    winners = [key for key, won in wins if won]
    assert len(winners) == 1
    assert [k for k in keys if store.find_key_by_hash(k.key_hash) is not None] == winners


def test_a_pending_or_expired_pairing_is_not_redeemed(store: Store) -> None:
    pending = store.create_pairing(pairing(), NOW)
    late = approved(store, expires_at=NOW + 60)
    key = builders.key(user_id="usr_ada")

    assert not store.redeem_pairing(pending, key, NOW + 10)
    assert not store.redeem_pairing(late, key, NOW + 60)
    assert store.find_key_by_hash(key.key_hash) is None
    assert store.list_keys("usr_ada").items == []


def test_attempts_are_counted_per_bucket_and_window(store: Store) -> None:
    counts = [store.count_attempt("pair:127.0.0.1", NOW, 600) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert store.count_attempt("pair:127.0.0.2", NOW, 600) == 1
    assert store.count_attempt("pair:127.0.0.1", NOW + 600, 600) == 1


def test_racing_attempts_are_all_counted(store: Store) -> None:
    counts = race(lambda: store.count_attempt("codes:key_racer", NOW, 600), runners=8)

    assert sorted(counts) == list(range(1, 9))
