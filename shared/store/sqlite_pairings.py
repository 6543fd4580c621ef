"""Pending pairings and attempt counters in SQLite (the SQL of `SQLiteStore`'s pairing methods).

A pairing row is kept until its `forget_at`: reads skip older rows at once, and creating a
pairing deletes them, so the table holds only the pairings of the last hour or so."""

from __future__ import annotations

import sqlite3

from shared.models import ApiKey
from shared.pairing.model import Pairing, PairingStatus
from shared.store import sqlite_rows as rows
from shared.store.sqlite_rows import Codec

PAIRINGS = Codec(
    "pairings", Pairing, load={"status": PairingStatus}, derived={"forget_at": lambda p: p.forget_at}
)

_COUNT = """
INSERT INTO attempt_windows (bucket, window_start, count, expires_at) VALUES (?, ?, 1, ?)
ON CONFLICT (bucket, window_start) DO UPDATE SET count = count + 1
RETURNING count
"""


def create(conn: sqlite3.Connection, pairing: Pairing, now: int) -> Pairing:
    """Inside a write transaction: forget expired pairings (any that hold these codes among
    them), then insert; a live holder of either code breaks a UNIQUE rule (Conflict)."""
    conn.execute("DELETE FROM pairings WHERE forget_at <= ?", (now,))
    conn.execute(PAIRINGS.insert, PAIRINGS.row(pairing))
    return pairing


def find(conn: sqlite3.Connection, column: str, code_hash: str, now: int) -> Pairing | None:
    found = conn.execute(f"{PAIRINGS.select} WHERE {column} = ? AND forget_at > ?", (code_hash, now)).fetchone()
    return None if found is None else PAIRINGS.item(found)


def record_poll(conn: sqlite3.Connection, pairing: Pairing, at: int, interval: int) -> bool:
    changed = conn.execute(
        'UPDATE pairings SET last_polled_at = ?, "interval" = ? WHERE id = ? AND last_polled_at IS ?',
        (at, interval, pairing.id, pairing.last_polled_at),
    ).rowcount
    return changed == 1


def decide(
    conn: sqlite3.Connection, device_code_hash: str, status: PairingStatus, at: int,
    user_id: str | None, label: str | None,
) -> Pairing | None:
    found = conn.execute(
        "UPDATE pairings SET status = ?, user_id = ?, label = ?"
        " WHERE device_code_hash = ? AND status = ? AND expires_at > ?" + PAIRINGS.returning,
        (status, user_id, label, device_code_hash, PairingStatus.PENDING, at),
    ).fetchall()
    return PAIRINGS.item(found[0]) if found else None


def redeem(conn: sqlite3.Connection, pairing: Pairing, key: ApiKey, at: int) -> bool:
    """Inside a write transaction: the pairing's change and the key's insert commit together."""
    changed = conn.execute(
        "UPDATE pairings SET status = ?, key_id = ? WHERE id = ? AND status = ? AND expires_at > ?",
        (PairingStatus.REDEEMED, key.id, pairing.id, PairingStatus.APPROVED, at),
    ).rowcount
    if changed != 1:
        return False
    conn.execute(rows.KEYS.insert, rows.KEYS.row(key))
    return True


def count_attempt(conn: sqlite3.Connection, bucket: str, window_start: int, ttl_seconds: int) -> int:
    # fetchall() runs the statement to completion, which commits it and frees the lock.
    return int(conn.execute(_COUNT, (bucket, window_start, window_start + ttl_seconds)).fetchall()[0][0])


def prune_attempts(conn: sqlite3.Connection, now: int) -> None:
    conn.execute("DELETE FROM attempt_windows WHERE expires_at < ?", (now,))
