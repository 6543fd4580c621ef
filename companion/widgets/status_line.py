"""The one line under a screen's content where its errors and results are shown in place."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from companion.errors import CompanionError


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: auto; min-height: 1; padding: 0 1; color: $text-muted; }
    StatusLine.-error { color: $text-error; background: $error-muted; }
    StatusLine.-done { color: $text-success; }
    """

    text = ""

    def _show(self, text: str, kind: str) -> None:
        self.text = text
        self.set_classes(kind)
        self.update(Content(text))  # plain: server messages may hold [brackets]

    def show_error(self, error: CompanionError) -> None:
        self._show(f"{error.title}: {error.message}", "-error")

    def show_done(self, text: str) -> None:
        self._show(text, "-done")

    def show_info(self, text: str) -> None:
        self._show(text, "")

    def clear_stale(self) -> None:
        """Forget an error or hint that a successful load has made out of date; the result of
        the person's last action stays until the next one."""
        if not self.has_class("-done"):
            self._show("", "")
