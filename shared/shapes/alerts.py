"""Alerts: what a watch and an admin may ask for, and how an alert is shown (in full to the
admin, compact to a watch)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from msgspec import Meta

from shared.limits import (
    EMAIL_PATTERN,
    MAX_COOLDOWN,
    MAX_CURRENCY,
    MAX_ID,
    MAX_PCT_MOVE,
    MAX_SYMBOL,
    MAX_URL,
    MIN_COOLDOWN,
    WEBHOOK_URL_PATTERN,
)
from shared.models import AlertStatus, Channel, Condition
from shared.shapes.base import Epoch, Request, Response, bounded, configured, page_of, text

#: pct_move targets are percentages up to MAX_PCT_MOVE (checked by `shared.alerts.valid_target`).
PCT_RULE: dict[str, Any] = {
    "if": {"properties": {"condition": {"const": "pct_move"}}, "required": ["condition"]},
    "then": {"properties": {"target": {"maximum": MAX_PCT_MOVE}}},
}
#: The destination of a webhook alert is a required URL, an email alert's an address.
ROUTING_RULE: dict[str, Any] = {
    "if": {"properties": {"channel": {"const": "webhook"}}, "required": ["channel"]},
    "then": {
        "properties": {"destination": {"type": "string", "maxLength": MAX_URL, "pattern": WEBHOOK_URL_PATTERN}},
        "required": ["destination"],
    },
    "else": {"properties": {"destination": {"type": ["string", "null"], "pattern": EMAIL_PATTERN}}},
}


class WatchAlertCreate(Request):
    """A watch's alerts are emails to the key owner's own address: a watch key cannot make the
    server mail or POST anywhere else."""

    schema_rules: ClassVar[list[dict[str, Any]]] = [PCT_RULE]

    symbol: configured("Symbol", text(MAX_SYMBOL))
    condition: Condition
    target: Annotated[
        float,
        Meta(extra_json_schema={"exclusiveMinimum": 0}, description="a price, or a percentage for pct_move"),
    ]
    currency: configured("Currency", text(MAX_CURRENCY)) | None = None
    repeat: bool | None = None


class AlertCreate(WatchAlertCreate, kw_only=True):
    """An admin also chooses the owner, the channel, the destination and the cooldown."""

    schema_rules: ClassVar[list[dict[str, Any]]] = [PCT_RULE, ROUTING_RULE]

    user_id: text(MAX_ID)
    channel: Channel | None = None
    destination: (
        text(MAX_URL, description="email address (default: the user's), or for webhook an http(s) URL "
             "to a public host")
        | None
    ) = None
    cooldown_seconds: bounded(MIN_COOLDOWN, MAX_COOLDOWN, "seconds between triggers of a repeating alert") | None = None


class Alert(Response):
    id: str
    user_id: str
    symbol: str
    currency: str
    condition: Condition
    target: float
    channel: Channel
    destination: str
    repeat: bool
    cooldown_seconds: int
    status: AlertStatus
    created_at: Epoch
    last_triggered_at: Epoch | None
    trigger_count: int


AlertPage = page_of("AlertPage", Alert)


class WatchAlert(Response):
    """One alert as a watch sees it: short keys for a few KB of heap."""

    id: str
    s: Annotated[str, Meta(description="symbol")]
    k: Condition
    v: Annotated[float, Meta(description="target")]
    st: AlertStatus


class WatchAlerts(Response):
    a: list[WatchAlert]
