"""RFC 8628's polling rules and error codes, on every store backend: pending, slow_down (+5 s for
good), access_denied, expired_token, a key exactly once, and the bound on user codes tried."""

from __future__ import annotations

import dataclasses

import msgspec
import pytest

from shared.errors import Conflict, InvalidInput, NotFound, RateLimited
from shared.keys import hash_key
from shared.models import Scope
from shared.pairing import flow
from shared.pairing.codes import code_hash
from shared.pairing.flow import DeviceFlowError, StartedPairing
from shared.pairing.limits import USER_CODE_ATTEMPTS
from shared.pairing.model import KEEP_EXPIRED_SECONDS, PairingStatus
from shared.store.base import Store
from tests.contract.builders import NOW


def refusal(store: Store, device_code: str, at: int) -> DeviceFlowError:
    with pytest.raises(DeviceFlowError) as refused:
        flow.poll(store, device_code, at)
    return refused.value


def approve(store: Store, started: StartedPairing, at: int = NOW + 1, **options: str) -> None:
    flow.decide(store, started.user_code, PairingStatus.APPROVED, at, actor="key_admin", user_id="usr_ada", **options)


def test_a_pairing_stores_neither_code(store: Store) -> None:
    started = flow.start(store, NOW)

    stored = store.get_pairing(code_hash(started.device_code), NOW)
    assert stored is not None and stored.status is PairingStatus.PENDING
    values = [str(v) for v in msgspec.structs.asdict(stored).values()]
    plain = started.user_code.replace("-", "")
    assert not any(started.device_code in v or plain in v for v in values)
    assert stored.expires_at - NOW == flow.LIFETIME_SECONDS and stored.interval == 5


def test_polls_are_pending_until_approved_then_get_one_watch_key(store: Store) -> None:
    started = flow.start(store, NOW)

    pending = refusal(store, started.device_code, NOW + 5)
    again = refusal(store, started.device_code, NOW + 10)
    approve(store, started, NOW + 12, label="Ada's watch")
    issued = flow.poll(store, started.device_code, NOW + 15)

    assert (pending.code, pending.status, pending.fields()) == ("authorization_pending", 400, {"interval": 5})
    assert again.code == "authorization_pending"
    key = store.find_key_by_hash(hash_key(issued.secret))
    assert key is not None and (key.scope, key.user_id, key.label) == (Scope.WATCH, "usr_ada", "Ada's watch")
    assert issued.secret.startswith("cw_")
    assert refusal(store, started.device_code, NOW + 20).code == "invalid_grant"
    assert len(store.list_keys("usr_ada").items) == 1


def test_polling_sooner_than_the_interval_slows_the_watch_down_for_good(store: Store) -> None:
    started = flow.start(store, NOW)
    code = started.device_code

    assert refusal(store, code, NOW).code == "authorization_pending"
    hurried = refusal(store, code, NOW + 2)
    on_time_for_old_interval = refusal(store, code, NOW + 7)
    waited = refusal(store, code, NOW + 7 + 15)
    just_early = refusal(store, code, NOW + 22 + 14)  # one second of jitter is forgiven

    assert (hurried.code, hurried.fields()) == ("slow_down", {"interval": 10})
    assert (on_time_for_old_interval.code, on_time_for_old_interval.fields()) == ("slow_down", {"interval": 15})
    assert (waited.code, waited.fields()) == ("authorization_pending", {"interval": 15})
    assert just_early.code == "authorization_pending"


def test_the_interval_grows_to_a_ceiling(store: Store) -> None:
    started = flow.start(store, NOW)
    intervals = []
    for second in range(20):
        with pytest.raises(DeviceFlowError) as refused:
            flow.poll(store, started.device_code, NOW + second)
        intervals.append(refused.value.fields()["interval"])

    assert intervals[:4] == [5, 10, 15, 20]
    assert max(intervals) == flow.MAX_INTERVAL_SECONDS


def test_a_denied_pairing_is_access_denied_on_every_poll(store: Store) -> None:
    started = flow.start(store, NOW)

    flow.decide(store, started.user_code, PairingStatus.DENIED, NOW + 1, actor="key_admin")

    assert refusal(store, started.device_code, NOW + 5).code == "access_denied"
    assert refusal(store, started.device_code, NOW + 50).code == "access_denied"
    assert store.list_keys().items == []


def test_an_expired_pairing_is_expired_token_then_forgotten(store: Store) -> None:
    started = flow.start(store, NOW)
    expires_at = NOW + flow.LIFETIME_SECONDS

    approve(store, started, expires_at - 1)

    assert refusal(store, started.device_code, expires_at).code == "expired_token"
    assert refusal(store, started.device_code, expires_at + KEEP_EXPIRED_SECONDS).code == "invalid_grant"
    assert refusal(store, "not-a-device-code", NOW).code == "invalid_grant"


def test_codes_are_typed_in_any_case_with_or_without_the_dash(store: Store) -> None:
    started = flow.start(store, NOW)
    typed = " " + started.user_code.lower().replace("-", " ") + " "

    decided = flow.decide(store, typed, PairingStatus.APPROVED, NOW + 1, actor="key_admin", user_id="usr_ada")

    assert decided.status is PairingStatus.APPROVED and decided.user_id == "usr_ada"


def test_wrong_expired_and_decided_codes_say_which(store: Store) -> None:
    started = flow.start(store, NOW)
    approve(store, started)
    late = flow.start(store, NOW)

    with pytest.raises(InvalidInput) as malformed:
        approve(store, dataclasses.replace(started, user_code="AEIO-U123"))
    with pytest.raises(NotFound) as unknown:
        approve(store, dataclasses.replace(started, user_code="BBBB-BBBB"))
    with pytest.raises(Conflict) as twice:
        approve(store, started)
    with pytest.raises(InvalidInput) as expired:
        approve(store, late, NOW + flow.LIFETIME_SECONDS)

    assert (malformed.value.code, unknown.value.code) == ("invalid_user_code", "unknown_user_code")
    assert (twice.value.code, expired.value.code) == ("pairing_decided", "expired_user_code")


def test_codes_entered_are_bounded_per_person_even_when_right(store: Store) -> None:
    started = flow.start(store, NOW)
    for _ in range(USER_CODE_ATTEMPTS):
        with pytest.raises(NotFound):
            flow.decide(store, "BBBB-BBBB", PairingStatus.DENIED, NOW, actor="key_guesser")

    with pytest.raises(RateLimited) as limited:
        flow.decide(store, started.user_code, PairingStatus.DENIED, NOW, actor="key_guesser")

    assert 0 < limited.value.retry_after <= 600 and limited.value.fields() == {"retry_after": limited.value.retry_after}
    assert refusal(store, started.device_code, NOW + 5).code == "authorization_pending"
    approve(store, started, NOW + 6)  # someone else is not held back
