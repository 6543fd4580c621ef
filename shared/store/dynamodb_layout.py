"""Where each entity lives in the single table: its `pk`/`sk`, and which `gsi1` partition lists it.

`docs/dynamodb.md` shows the same layout as an access-pattern table; change both together.
"""

from __future__ import annotations

import zlib
from typing import Any

from shared.ids import day_start, utc_day
from shared.store.dynamodb_codec import Item, epoch_key

INDEX = "gsi1"
TTL_ATTRIBUTE = "ttl"
DAY_SECONDS = 86_400


TABLE_SCHEMA: dict[str, Any] = {
    "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": INDEX,
            "KeySchema": [
                {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}


def key(pk: str, sk: str) -> Item:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def item_id(item: Item) -> tuple[str, str]:
    """An item's (or a key's) primary key as plain text."""
    return item["pk"]["S"], item["sk"]["S"]


# Prices: the latest point of every (symbol, currency) in one item, so a cycle's prices change
# in one write and one GetItem reads them all; one history partition per pair, sorted by time.
LATEST_KEY = key("PRICES", "LATEST")


def latest_entry(symbol: str, currency: str) -> str:
    """The pair's name in the latest-prices item's `prices` map."""
    return f"{symbol}#{currency}"


def history_pk(symbol: str, currency: str) -> str:
    return f"HIST#{symbol}#{currency}"


STATUS_KEY = key("STATUS", "UPDATE")
STREAM_KEY = key("STATUS", "STREAM")

# Users: the record, and a copy under the lower-cased email that makes the email unique.
USERS_LIST = "USERS"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def user_key(user_id: str) -> Item:
    return key(user_pk(user_id), "USER")


def email_key(email: str) -> Item:
    return key(f"EMAIL#{email.lower()}", "EMAIL")


# API keys: the record under its id (listed in KEYS) and a copy under its hash (listed per user).
KEYS_LIST = "KEYS"


def api_key_pk(key_id: str) -> str:
    return f"KEY#{key_id}"


def api_key_key(key_id: str) -> Item:
    return key(api_key_pk(key_id), "KEY")


def key_hash_key(key_hash: str) -> Item:
    return key(f"KEYHASH#{key_hash}", "KEYHASH")


def user_keys_list(user_id: str) -> str:
    return f"USERKEYS#{user_id}"


# Rate-limit windows: one item per key and window, in one of USAGE_SHARDS partitions of the
# window's UTC day, chosen by the key. Not in gsi1: an indexed window would cost a second write
# unit per request, and every request of a day would write the same index partition. A key's day
# is one Query of its shard; every key's day is one Query per shard.
USAGE_SHARDS = 64  # at 1,000 hits/s per shard (DynamoDB's partition limit) this is 64,000/s
WINDOW_SEPARATOR = "#"


def usage_shard(key_id: str) -> int:
    """A stable shard of a key (crc32: the same in every process, unlike hash())."""
    return zlib.crc32(key_id.encode()) % USAGE_SHARDS


def usage_pk(day: str, shard: int) -> str:
    return f"USAGE#{day}#{shard:02d}"


def window_prefix(key_id: str) -> str:
    return key_id + WINDOW_SEPARATOR


def window_key(key_id: str, window_start: int) -> Item:
    pk = usage_pk(utc_day(window_start), usage_shard(key_id))
    return key(pk, window_prefix(key_id) + epoch_key(window_start))


def day_bounds(day: str) -> tuple[int, int]:
    """First and last epoch second of a UTC day given as 'YYYY-MM-DD'."""
    start = day_start(day)
    return start, start + DAY_SECONDS - 1


# Alerts: the record (listed per status in gsi1) and a copy under its owner (listed per user).
ALERT_COPY_PREFIX = "ALERT#"


def alert_key(alert_id: str) -> Item:
    return key(f"ALERT#{alert_id}", "ALERT")


def alert_copy_key(user_id: str, alert_id: str) -> Item:
    return key(user_pk(user_id), ALERT_COPY_PREFIX + alert_id)


def alert_seq_key(user_id: str) -> Item:
    """Bumped by every capped alert creation of the user: the optimistic lock of the cap."""
    return key(user_pk(user_id), "ALERTSEQ")


def alerts_list(status: str) -> str:
    return f"ALERTS#{status}"


# Notifications: listed per status in gsi1, so the due ones are a Query of the pending partition.
def notification_key(notification_id: str) -> Item:
    return key(f"NOTIF#{notification_id}", "NOTIF")


def notifications_list(status: str) -> str:
    return f"NOTIFS#{status}"


EXPORTS_LIST = "EXPORTS"


def export_key(export_id: str) -> Item:
    return key(f"EXPORT#{export_id}", "EXPORT")


# Holdings sit in their owner's partition, keyed by kind and symbol (which makes one holding per
# symbol a key condition); a counter item beside them enforces the cap, and one HELD partition
# per kind counts holders per symbol, so the updater reads what to price in one Query.
HOLDING_PREFIX = "HOLDING#"


def holding_key(user_id: str, kind: str, symbol: str) -> Item:
    return key(user_pk(user_id), f"{HOLDING_PREFIX}{kind}#{symbol}")


def holding_count_key(user_id: str) -> Item:
    return key(user_pk(user_id), "HOLDINGS")


def held_key(kind: str, symbol: str) -> Item:
    return key(held_pk(kind), symbol)


def held_pk(kind: str) -> str:
    return f"HELD#{kind}"
