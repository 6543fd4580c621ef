"""Pending pairings and attempt counters in the single table (the requests behind
`DynamoStore`'s pairing methods).

A pairing is one item under its device code hash, and a pointer item under its user code hash
names it; both carry the TTL attribute (`forget_at`), so DynamoDB deletes them by itself, and
every read also checks it, since TTL deletion lags by up to a few days. Attempt windows are items
of their own bucket partition, deleted by TTL as well. Layout table: docs/dynamodb.md."""

from __future__ import annotations

from typing import Any

from shared.errors import Conflict
from shared.models import ApiKey
from shared.pairing.model import Pairing, PairingStatus
from shared.store import dynamodb_layout as L
from shared.store.dynamodb_client import DynamoClient, TransactionFailed
from shared.store.dynamodb_codec import Item, decode, encode, epoch_key, from_attr, to_attr
from shared.store.dynamodb_expr import Expr
from shared.store.dynamodb_requests import existing, key_puts


def pairing_key(device_code_hash: str) -> Item:
    return L.key(f"PAIR#{device_code_hash}", "PAIR")


def user_code_key(user_code_hash: str) -> Item:
    return L.key(f"USERCODE#{user_code_hash}", "USERCODE")


def attempt_key(bucket: str, window_start: int) -> Item:
    return L.key(f"ATTEMPT#{bucket}", epoch_key(window_start))


def _kept(item: Item | None, now: int) -> Item | None:
    """The item unless its TTL has passed (DynamoDB may not have deleted it yet)."""
    if item is None or int(from_attr(item[L.TTL_ATTRIBUTE])) <= now:
        return None
    return item


def _put_unless_kept(item: Item, now: int) -> dict[str, Any]:
    """A transaction Put that may replace only an item already past its TTL."""
    e = Expr()
    condition = f"attribute_not_exists({e.n('pk')}) OR {e.n(L.TTL_ATTRIBUTE)} <= {e.v(now)}"
    return {"Put": {"Item": item, **e.params(ConditionExpression=condition)}}


def create(db: DynamoClient, pairing: Pairing, now: int) -> Pairing:
    ttl = {L.TTL_ATTRIBUTE: pairing.forget_at}
    pointer = {"device_code_hash": to_attr(pairing.device_code_hash), L.TTL_ATTRIBUTE: to_attr(pairing.forget_at)}
    try:
        db.transact(
            [
                _put_unless_kept({**encode(pairing, **ttl), **pairing_key(pairing.device_code_hash)}, now),
                _put_unless_kept({**pointer, **user_code_key(pairing.user_code_hash)}, now),
            ]
        )
    except TransactionFailed:
        raise Conflict("a live pairing holds this code", code="pairing_exists") from None
    return pairing


def get(db: DynamoClient, device_code_hash: str, now: int) -> Pairing | None:
    item = _kept(db.get(pairing_key(device_code_hash)), now)
    return None if item is None else decode(Pairing, item)


def find_by_user_code(db: DynamoClient, user_code_hash: str, now: int) -> Pairing | None:
    pointer = _kept(db.get(user_code_key(user_code_hash)), now)
    if pointer is None:
        return None
    found = get(db, pointer["device_code_hash"]["S"], now)
    return found if found is not None and found.user_code_hash == user_code_hash else None


def record_poll(db: DynamoClient, pairing: Pairing, at: int, interval: int) -> bool:
    e = Expr().set("last_polled_at", at).set("interval", interval)
    last = e.n("last_polled_at")
    if pairing.last_polled_at is None:
        unchanged = f"attribute_not_exists({last})"
    else:
        unchanged = f"{last} = {e.v(pairing.last_polled_at)}"
    condition = f"{existing(e)} AND {unchanged}"
    changed = db.conditional(
        "update_item", Key=pairing_key(pairing.device_code_hash), **e.params(ConditionExpression=condition)
    )
    return changed is not None


def decide(
    db: DynamoClient, device_code_hash: str, status: PairingStatus, at: int, user_id: str | None,
    label: str | None,
) -> Pairing | None:
    e = Expr().set("status", status).set("user_id", user_id).set("label", label)
    condition = (
        f"{existing(e)} AND {e.n('status')} = {e.v(PairingStatus.PENDING)} AND {e.n('expires_at')} > {e.v(at)}"
    )
    changed = db.conditional(
        "update_item",
        Key=pairing_key(device_code_hash),
        ReturnValues="ALL_NEW",
        **e.params(ConditionExpression=condition),
    )
    return None if changed is None else decode(Pairing, changed["Attributes"])


def redeem(db: DynamoClient, pairing: Pairing, key: ApiKey, at: int) -> bool:
    e = Expr().set("status", PairingStatus.REDEEMED).set("key_id", key.id)
    condition = (
        f"{existing(e)} AND {e.n('status')} = {e.v(PairingStatus.APPROVED)} AND {e.n('expires_at')} > {e.v(at)}"
    )
    spend = {"Update": {"Key": pairing_key(pairing.device_code_hash), **e.params(ConditionExpression=condition)}}
    try:
        db.transact([spend, *key_puts(key)])
    except TransactionFailed as failed:
        if failed.reasons[0] == "ConditionalCheckFailed":
            return False
        raise Conflict("a key with this id or hash already exists", code="key_exists") from None
    return True


def count_attempt(db: DynamoClient, bucket: str, window_start: int, ttl_seconds: int) -> int:
    e = Expr().add("count", 1).set(L.TTL_ATTRIBUTE, window_start + ttl_seconds)
    response = db.call(
        "update_item", Key=attempt_key(bucket, window_start), ReturnValues="UPDATED_NEW", **e.params()
    )
    return int(response["Attributes"]["count"]["N"])
