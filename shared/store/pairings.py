"""The part of the Store protocol that pairing needs: pending pairings and attempt counters.

Kept apart from `base.py` so the device flow's storage contract reads in one place; `Store`
includes it, and `tests/contract/test_store_pairings.py` holds every backend to it."""

from __future__ import annotations

from typing import Protocol

from shared.models import ApiKey
from shared.pairing.model import Pairing, PairingStatus


class PairingStore(Protocol):
    def create_pairing(self, pairing: Pairing, now: int) -> Pairing:
        """Store a new pairing. Conflict (`pairing_exists`) when a pairing still kept at `now`
        has the same device code or user code hash; one past its `forget_at` is replaced."""

    def get_pairing(self, device_code_hash: str, now: int) -> Pairing | None:
        """The pairing of a device code; None when unknown or past its `forget_at`."""

    def find_pairing_by_user_code(self, user_code_hash: str, now: int) -> Pairing | None:
        """The pairing of a user code; None when unknown or past its `forget_at`."""

    def record_poll(self, pairing: Pairing, at: int, interval: int) -> bool:
        """Set last_polled_at to `at` and the interval to `interval`, only if last_polled_at is
        still `pairing.last_polled_at`: of two polls at once exactly one wins."""

    def decide_pairing(
        self, device_code_hash: str, status: PairingStatus, at: int, *, user_id: str | None = None,
        label: str | None = None,
    ) -> Pairing | None:
        """Approve or deny: if the pairing is pending and `at` is before its expires_at, set
        `status` (with the owner and key label of an approval) and return the updated pairing;
        None, with nothing changed, otherwise (so of two decisions only the first counts)."""

    def redeem_pairing(self, pairing: Pairing, key: ApiKey, at: int) -> bool:
        """Atomically, or not at all: if the pairing is approved and `at` is before its
        expires_at, mark it redeemed (key_id = key.id) and create `key`. False when it is not
        (already redeemed, never approved, expired), and then nothing is written: a device code
        yields one key, however many polls race for it."""

    def count_attempt(self, bucket: str, window_start: int, ttl_seconds: int) -> int:
        """Atomically count one attempt in `bucket`'s window starting at `window_start` and
        return the count including it; exact across processes. The window is forgotten after
        `ttl_seconds`. For limits on requests no key vouches for: pairing requests per client
        address, user codes tried."""
