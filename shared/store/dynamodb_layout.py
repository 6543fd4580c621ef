"""Where each entity lives in the single table: its `pk`/`sk`, and which `gsi1` partition lists it.

`docs/dynamodb.md` shows the same layout as an access-pattern table; change both together.
"""

from __future__ import annotations

from typing import Any

from shared.ids import day_start
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


# Rate-limit windows sit beside their key's record; gsi1 gathers a UTC day's windows.
WINDOW_PREFIX = "RL#"


def window_sk(window_start: int) -> str:
    return WINDOW_PREFIX + epoch_key(window_start)


def window_key(key_id: str, window_start: int) -> Item:
    return key(api_key_pk(key_id), window_sk(window_start))


def usage_list(day: str) -> str:
    return f"USAGE#{day}"


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
