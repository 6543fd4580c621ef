"""Set a price alert for a user: symbol, condition, target, channel (and where to send it)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from textual.widgets import Input, Select

from companion.client import JSON
from companion.errors import Missing
from companion.screens.form import FieldProblem, FormModal
from companion.widgets.field import Field
from shared.shapes.alerts import Alert

CONDITIONS = (
    ("price at or above the target", "above"),
    ("price at or below the target", "below"),
    ("24h move of at least target %", "pct_move"),
)
CHANNELS = (("email (to the owner, or the address below)", "email"), ("webhook (URL below)", "webhook"))
REPEATS = (("once, then done", False), ("re-arm after a cooldown", True))


class AlertForm(FormModal[Alert]):
    HEADING = "New price alert"

    def compose_fields(self) -> Iterable[Field]:
        yield Field("Owner's email", Input(placeholder="ada@example.com", compact=True), name="email")
        yield Field("Symbol", Input(placeholder="BTC", compact=True), name="symbol")
        yield Field("Condition", Select(CONDITIONS, value="above", allow_blank=False, compact=True), name="condition")
        yield Field("Target", Input(placeholder="100000 (a price, or a percentage)", compact=True), name="target")
        yield Field("Channel", Select(CHANNELS, value="email", allow_blank=False, compact=True), name="channel")
        yield Field(
            "Destination",
            Input(placeholder="blank: the owner's email; for a webhook, https://…", compact=True),
            name="destination",
        )
        yield Field("Repeat", Select(REPEATS, value=False, allow_blank=False, compact=True), name="repeat")

    def target(self) -> float:
        raw = self.value("target").replace(",", "")
        try:
            target = float(raw)
        except ValueError:
            raise FieldProblem("target", "The target must be a number, like 100000 or 2.5.") from None
        if not math.isfinite(target) or target <= 0:
            raise FieldProblem("target", "The target must be above 0.")
        return target

    async def send(self) -> Alert:
        email = self.value("email")
        if not email:
            raise FieldProblem("email", "Whose alert is it? Give the owner's email.")
        symbol = self.value("symbol").upper()
        if not symbol:
            raise FieldProblem("symbol", "Which symbol? For example BTC.")
        fields: JSON = {
            "symbol": symbol,
            "condition": self.choice("condition"),
            "target": self.target(),
            "channel": self.choice("channel"),
            "repeat": bool(self.choice("repeat")),
        }
        if self.value("destination"):
            fields["destination"] = self.value("destination")
        try:
            user = await self.client.user_by_email(email)
        except Missing:
            raise FieldProblem("email", f"No user has the email {email}.") from None
        return await self.client.create_alert({"user_id": user.id, **fields})
