"""The section bar under the header: every screen, its number key, and a click target."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static


class NavBar(Static):
    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, sections: Sequence[tuple[str, str]], current: str) -> None:
        super().__init__()
        self.sections = sections
        self.current = current

    def render(self) -> Content:
        parts = []
        for number, (mode, title) in enumerate(self.sections, start=1):
            style = "bold reverse " if mode == self.current else ""
            parts.append(f"[{style}@click=app.goto('{mode}')] {number} {title} [/]")
        return Content.from_markup(" ".join(parts))
