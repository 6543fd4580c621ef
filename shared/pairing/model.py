"""A pending pairing as stored: a plain frozen record, like the entities of `shared.models`."""

from __future__ import annotations

from enum import StrEnum

import msgspec

#: How long a pairing is kept after it expires, so that a watch polling late is told
#: `expired_token` rather than `invalid_grant`. After that, reads no longer return it and the
#: backend deletes it (SQLite on later writes, DynamoDB by its TTL attribute).
KEEP_EXPIRED_SECONDS = 3600


class PairingStatus(StrEnum):
    PENDING = "pending"  # waiting for someone to approve or deny the user code
    APPROVED = "approved"  # the watch's next poll receives a key
    DENIED = "denied"  # the watch is told access_denied
    REDEEMED = "redeemed"  # the key has been handed out; the device code is spent


class Pairing(msgspec.Struct, frozen=True):
    """One device authorization request. Neither code is kept: only their SHA-256 hashes."""

    id: str
    device_code_hash: str
    user_code_hash: str
    created_at: int
    expires_at: int
    interval: int  # seconds the watch must wait between polls; slow_down raises it
    status: PairingStatus = PairingStatus.PENDING
    last_polled_at: int | None = None
    user_id: str | None = None  # who approved it: the owner of the key the watch receives
    label: str | None = None  # the label of that key
    key_id: str | None = None  # the key handed out, once redeemed

    @property
    def forget_at(self) -> int:
        """When the stores stop returning it (and may delete it)."""
        return self.expires_at + KEEP_EXPIRED_SECONDS
