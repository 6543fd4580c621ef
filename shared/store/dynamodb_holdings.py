"""Portfolio holdings in the single table (layout in `dynamodb_layout.py`, costs in
`docs/dynamodb.md`). An add is one transaction of three items: the holding (absent before, so
one per symbol), the owner's counter (below the cap) and the symbol's holder count that the
updater reads; a delete undoes all three together. A user's holdings are one Query of their
partition, so looking one up by id reads at most the cap's worth of items."""

from __future__ import annotations

from typing import Any

from shared.errors import Conflict
from shared.models import AssetKind, Holding
from shared.portfolio import too_many
from shared.store import dynamodb_layout as L
from shared.store.dynamodb_client import DynamoClient, TransactionFailed
from shared.store.dynamodb_codec import decode, encode, from_attr
from shared.store.dynamodb_expr import Expr
from shared.store.dynamodb_requests import existing, put_new


def _counted(key: dict[str, Any], step: int, condition: str | None = None, cap: int | None = None) -> dict[str, Any]:
    e = Expr().add("count", step)
    guard = None
    if cap is not None:
        count = e.n("count")
        guard = f"attribute_not_exists({count}) OR {count} < {e.v(cap)}"
    return {"Update": {"Key": key, **e.params(ConditionExpression=guard or condition)}}


def add(db: DynamoClient, holding: Holding, cap: int) -> Holding:
    try:
        db.transact(
            [
                put_new({**encode(holding), **L.holding_key(holding.user_id, holding.kind, holding.symbol)}),
                _counted(L.holding_count_key(holding.user_id), 1, cap=cap),
                _counted(L.held_key(holding.kind, holding.symbol), 1),
            ]
        )
    except TransactionFailed as failed:
        if failed.reasons[0] == "ConditionalCheckFailed":
            raise Conflict(
                f"the portfolio already holds {holding.symbol} ({holding.kind}); change its quantity instead",
                code="asset_exists",
            ) from None
        raise too_many(len(of_user(db, holding.user_id))) from None
    return holding


def of_user(db: DynamoClient, user_id: str) -> list[Holding]:
    e = Expr()
    condition = f"{e.n('pk')} = {e.v(L.user_pk(user_id))} AND begins_with({e.n('sk')}, {e.v(L.HOLDING_PREFIX)})"
    items = db.query_all(ConsistentRead=True, **e.params(KeyConditionExpression=condition))
    return sorted((decode(Holding, item) for item in items), key=lambda h: h.id)


def one(db: DynamoClient, user_id: str, holding_id: str) -> Holding | None:
    return next((h for h in of_user(db, user_id) if h.id == holding_id), None)


def update(db: DynamoClient, holding: Holding) -> Holding | None:
    stored = one(db, holding.user_id, holding.id)
    if stored is None:
        return None
    e = Expr().set("quantity", holding.quantity).set("cost_basis", holding.cost_basis)
    e.set("updated_at", holding.updated_at)
    condition = f"{existing(e)} AND {e.n('id')} = {e.v(holding.id)}"
    changed = db.conditional(
        "update_item",
        Key=L.holding_key(stored.user_id, stored.kind, stored.symbol),
        ReturnValues="ALL_NEW",
        **e.params(ConditionExpression=condition),
    )
    return None if changed is None else decode(Holding, changed["Attributes"])


def delete(db: DynamoClient, user_id: str, holding_id: str) -> bool:
    stored = one(db, user_id, holding_id)
    if stored is None:
        return False
    e = Expr()
    condition = f"{e.n('id')} = {e.v(holding_id)}"
    try:
        db.transact(
            [
                {
                    "Delete": {
                        "Key": L.holding_key(user_id, stored.kind, stored.symbol),
                        **e.params(ConditionExpression=condition),
                    }
                },
                _counted(L.holding_count_key(user_id), -1),
                _counted(L.held_key(stored.kind, stored.symbol), -1),
            ]
        )
    except TransactionFailed:  # deleted meanwhile by another request
        return False
    return True


def symbols(db: DynamoClient, kind: AssetKind) -> list[str]:
    e = Expr()
    query = e.params(
        KeyConditionExpression=f"{e.n('pk')} = {e.v(L.held_pk(kind))}",
        FilterExpression=f"{e.n('count')} > {e.v(0)}",
    )
    return sorted(str(from_attr(item["sk"])) for item in db.query_all(ConsistentRead=True, **query))
