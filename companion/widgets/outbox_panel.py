"""What happened to the notifications of the highlighted alert: the outbox records the updater
writes when an alert triggers, with their delivery state, attempts and last error."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.content import Content
from textual.widgets import Static

from companion import format
from companion.client import CompanionClient
from companion.errors import CompanionError
from companion.messages import Failed
from shared.shapes.alerts import Alert
from shared.shapes.notifications import Notification


def outbox_line(note: Notification, now: float) -> str:
    status = note.status
    where = f"{note.channel} to {note.destination}"
    if status == "sent":
        return f"sent {format.ago(note.sent_at, now)} · {where}"
    attempts = note.attempts
    tried = f" · {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
    error = f" · last error: {note.last_error}" if note.last_error else ""
    if status == "pending":
        due = note.next_attempt_at
        # Due already (or within the minute): the updater sends it when it next runs, not "2 min ago".
        soon = due is None or due - now < 60
        retry = " · next try on the updater's next cycle" if soon else f" · next try {format.ago(due, now)}"
        return f"pending{tried}{retry} · {where}{error}"
    return f"{status}{tried} · {where}{error}"


class OutboxPanel(Static):
    DEFAULT_CSS = """
    OutboxPanel { height: auto; max-height: 6; padding: 0 1; border-top: solid $panel; }
    """

    def __init__(self, client: CompanionClient, clock: Callable[[], float]) -> None:
        super().__init__()
        self.client = client
        self.clock = clock
        self.lines: list[str] = []

    def _show(self, lines: list[str]) -> None:
        self.lines = lines
        self.update(Content("\n".join(["Outbox", *lines])))

    @work(exclusive=True, group="outbox")
    async def load(self, alert: Alert | None) -> None:
        if alert is None:
            self._show([])
            return
        if not alert.trigger_count:
            self._show(["  not triggered yet: nothing sent"])
            return
        try:
            page = await self.client.notifications(alert_id=alert.id, limit=5)
        except CompanionError as error:
            self.post_message(Failed(error))
            return
        now = self.clock()
        lines = [f"  {outbox_line(note, now)}" for note in page.items] or ["  nothing queued"]
        self._show(lines)
