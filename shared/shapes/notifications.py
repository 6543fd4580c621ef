"""The notification outbox as the admin API shows it."""

from __future__ import annotations

from shared.models import Channel, NotificationStatus
from shared.shapes.base import Epoch, Response, page_of


class Notification(Response):
    id: str
    alert_id: str
    user_id: str
    channel: Channel
    destination: str
    subject: str
    status: NotificationStatus
    attempts: int
    next_attempt_at: Epoch
    last_error: str | None
    created_at: Epoch
    sent_at: Epoch | None


NotificationPage = page_of("NotificationPage", Notification)
