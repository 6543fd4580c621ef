"""Messages that widgets send up to their screen. Widgets that fetch on their own (history,
outbox) report failures this way, so every error lands in the screen's one status line."""

from __future__ import annotations

from textual.message import Message

from companion.errors import CompanionError


class Failed(Message):
    """A request made by a widget failed; the screen shows it in place."""

    def __init__(self, error: CompanionError) -> None:
        super().__init__()
        self.error = error

