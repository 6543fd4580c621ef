"""Portfolio holdings in SQLite: each function is one store call's work on a connection, run
by `SQLiteStore` inside its error guard. The cap and the one-holding-per-symbol rule are
checked in the same `BEGIN IMMEDIATE` transaction as the insert, so two adds racing for the
last slot cannot both win."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from shared.errors import Conflict
from shared.models import AssetKind, Holding
from shared.portfolio import too_many
from shared.store.sqlite_rows import HOLDINGS

Transaction = Callable[[], AbstractContextManager[sqlite3.Connection]]
_KINDS = {kind.value: kind for kind in AssetKind}


def _holding(row: Sequence[Any]) -> Holding:
    """A row (in HOLDINGS.select's column order) as a Holding. Written out rather than through
    the generic codec: a cycle reads the holdings of every portfolio-alert owner, and this is
    four times faster."""
    holding_id, user_id, symbol, kind, quantity, currency, created_at, updated_at, cost_basis = row
    return Holding(
        holding_id, user_id, symbol, _KINDS[kind], Decimal(quantity), currency, created_at, updated_at,
        None if cost_basis is None else Decimal(cost_basis),
    )


def add(transaction: Transaction, holding: Holding, cap: int) -> Holding:
    with transaction() as conn:
        count = conn.execute("SELECT COUNT(*) FROM holdings WHERE user_id = ?", (holding.user_id,)).fetchone()[0]
        taken = conn.execute(
            "SELECT 1 FROM holdings WHERE user_id = ? AND kind = ? AND symbol = ?",
            (holding.user_id, holding.kind, holding.symbol),
        ).fetchone()
        if taken is not None:
            raise Conflict(
                f"the portfolio already holds {holding.symbol} ({holding.kind}); change its quantity instead",
                code="asset_exists",
            )
        if count >= cap:
            raise too_many(count)
        conn.execute(HOLDINGS.insert, HOLDINGS.row(holding))
    return holding


def of_user(conn: sqlite3.Connection, user_id: str) -> list[Holding]:
    found = conn.execute(f"{HOLDINGS.select} WHERE user_id = ? ORDER BY id", (user_id,))
    return [_holding(row) for row in found]


def one(conn: sqlite3.Connection, user_id: str, holding_id: str) -> Holding | None:
    found = conn.execute(f"{HOLDINGS.select} WHERE id = ? AND user_id = ?", (holding_id, user_id)).fetchone()
    return None if found is None else _holding(found)


def update(conn: sqlite3.Connection, holding: Holding) -> Holding | None:
    found = conn.execute(
        "UPDATE holdings SET quantity = ?, cost_basis = ?, updated_at = ? WHERE id = ? AND user_id = ?"
        + HOLDINGS.returning,
        (
            str(holding.quantity),
            None if holding.cost_basis is None else str(holding.cost_basis),
            holding.updated_at,
            holding.id,
            holding.user_id,
        ),
    ).fetchall()
    return _holding(found[0]) if found else None


def delete(conn: sqlite3.Connection, user_id: str, holding_id: str) -> bool:
    deleted = conn.execute("DELETE FROM holdings WHERE id = ? AND user_id = ?", (holding_id, user_id))
    return deleted.rowcount == 1


def symbols(conn: sqlite3.Connection, kind: AssetKind) -> list[str]:
    found = conn.execute("SELECT DISTINCT symbol FROM holdings WHERE kind = ? ORDER BY symbol", (kind,))
    return [row[0] for row in found]
