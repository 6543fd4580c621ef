"""The device flow's rules (RFC 8628), over the store: start a pairing, poll it, decide it.

Polling answers as section 3.5 says: `authorization_pending` while nobody has decided,
`slow_down` (and an interval 5 s longer from then on) when the watch polls sooner than its
interval allows, `access_denied` once denied, `expired_token` after the pairing's lifetime, and,
once approved, a new `watch` key owned by the approving user, exactly once."""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import Conflict, CryptowatchError, InvalidInput, NotFound
from shared.ids import new_id
from shared.keyring import IssuedKey, new_key
from shared.models import Scope
from shared.pairing.codes import canonical_user_code, code_hash, display_user_code, new_device_code, new_user_code
from shared.pairing.limits import USER_CODE_ATTEMPTS, enforce
from shared.pairing.model import Pairing, PairingStatus
from shared.store.base import Store

LIFETIME_SECONDS = 600  # how long a user code can be entered (RFC 8628 suggests minutes)
INTERVAL_SECONDS = 5  # RFC 8628's default polling interval
SLOW_DOWN_STEP = 5  # section 3.5: slow_down adds 5 s to the interval for all later polls
MAX_INTERVAL_SECONDS = 60
JITTER_SECONDS = 1  # a poll this much early still counts as on time (network jitter)
DEFAULT_LABEL = "paired watch"
_CREATE_ATTEMPTS = 3  # a new user code that collides with a live one is drawn again


class DeviceFlowError(CryptowatchError):
    """A token request that gets no key (400, RFC 6749 section 5.2 and RFC 8628 section 3.5).
    `interval` rides along while the watch should keep polling, so it never needs a header."""

    status = 400

    def __init__(self, code: str, message: str, *, interval: int | None = None) -> None:
        super().__init__(message, code=code)
        self.interval = interval

    def fields(self) -> dict[str, object]:
        return {} if self.interval is None else {"interval": self.interval}


@dataclass(frozen=True, slots=True)
class StartedPairing:
    pairing: Pairing
    device_code: str  # handed to the watch once; the store keeps its hash
    user_code: str  # XXXX-XXXX, for the watch to show


def start(store: Store, at: int) -> StartedPairing:
    for _ in range(_CREATE_ATTEMPTS):
        device_code, user_code = new_device_code(), new_user_code()
        pairing = Pairing(
            id=new_id("pair"),
            device_code_hash=code_hash(device_code),
            user_code_hash=code_hash(user_code),
            created_at=at,
            expires_at=at + LIFETIME_SECONDS,
            interval=INTERVAL_SECONDS,
        )
        try:
            store.create_pairing(pairing, at)
        except Conflict:
            continue
        return StartedPairing(pairing, device_code, display_user_code(user_code))
    raise Conflict("could not draw an unused pairing code; try again", code="pairing_exists")


def poll(store: Store, device_code: str, at: int) -> IssuedKey:
    """The watch's token request: the new key, or DeviceFlowError saying why not (yet)."""
    pairing = store.get_pairing(code_hash(device_code), at)
    if pairing is None:
        raise DeviceFlowError("invalid_grant", "this device code is unknown or long expired; start a new pairing")
    if pairing.status is PairingStatus.REDEEMED:
        raise DeviceFlowError("invalid_grant", "this device code has already been used")
    if at >= pairing.expires_at:
        raise DeviceFlowError("expired_token", "the pairing expired before it was approved; start a new one")
    if pairing.status is PairingStatus.DENIED:
        raise DeviceFlowError("access_denied", "the pairing was denied")
    if pairing.status is PairingStatus.APPROVED:
        return _redeem(store, pairing, at)
    return _still_pending(store, pairing, at)


def _still_pending(store: Store, pairing: Pairing, at: int) -> IssuedKey:
    last = pairing.last_polled_at
    too_soon = last is not None and at - last < pairing.interval - JITTER_SECONDS
    interval = min(MAX_INTERVAL_SECONDS, pairing.interval + SLOW_DOWN_STEP) if too_soon else pairing.interval
    if not store.record_poll(pairing, at, interval):  # another poll of this code at the same moment
        too_soon = True
    if too_soon:
        raise DeviceFlowError(
            "slow_down", f"polling too fast: wait {interval} s between polls from now on", interval=interval
        )
    raise DeviceFlowError("authorization_pending", "waiting for the code to be approved", interval=interval)


def _redeem(store: Store, pairing: Pairing, at: int) -> IssuedKey:
    issued = new_key(Scope.WATCH, at, user_id=pairing.user_id, label=pairing.label or DEFAULT_LABEL)
    if not store.redeem_pairing(pairing, issued.record, at):
        raise DeviceFlowError("invalid_grant", "this device code has already been used")
    return issued


def decide(
    store: Store, typed_code: str, status: PairingStatus, at: int, *, actor: str, user_id: str | None = None,
    label: str | None = None,
) -> Pairing:
    """Approve or deny the pairing a typed user code names. `actor` (who is typing: a key id)
    is held to USER_CODE_ATTEMPTS per window. Unknown code 404, expired 400, decided 409."""
    code = canonical_user_code(typed_code)
    enforce(store, f"codes:{actor}", USER_CODE_ATTEMPTS, at, "pairing codes entered")
    pairing = store.find_pairing_by_user_code(code_hash(code), at)
    if pairing is None:
        raise NotFound(f"no pairing waits for the code {display_user_code(code)}", code="unknown_user_code")
    decided = store.decide_pairing(pairing.device_code_hash, status, at, user_id=user_id, label=label)
    if decided is not None:
        return decided
    if at >= pairing.expires_at:
        raise InvalidInput(
            f"the code {display_user_code(code)} has expired; the watch must start again", code="expired_user_code"
        )
    raise Conflict(f"the code {display_user_code(code)} has already been decided", code="pairing_decided")
