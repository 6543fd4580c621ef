"""What every channel's sender provides, and how a failed delivery is reported."""

from __future__ import annotations

from typing import Protocol

from shared.models import Notification, User


class DeliveryError(Exception):
    """A delivery that did not happen; the message is kept as the record's last_error."""


class Undeliverable(DeliveryError):
    """A delivery that can never happen as recorded: given up at once, not retried."""


class Sender(Protocol):
    async def send(self, notification: Notification, user: User) -> None:
        """Deliver to `user`'s destination, or raise (DeliveryError for the expected failures)."""
