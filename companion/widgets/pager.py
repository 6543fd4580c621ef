"""Cursor pagination as a person sees it: a page number, a row count and whether there is more.

The API's cursors only go forward, so the pager keeps the cursor of every page it has seen
to go back."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class Pager(Static):
    DEFAULT_CSS = """
    Pager { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._cursors: list[str | None] = [None]
        self.next_cursor: str | None = None

    @property
    def cursor(self) -> str | None:
        """The cursor that fetches the current page."""
        return self._cursors[-1]

    @property
    def number(self) -> int:
        return len(self._cursors)

    def reset(self) -> None:
        self._cursors = [None]
        self.next_cursor = None

    def forward(self) -> bool:
        """Move to the next page; False when this is the last one."""
        if self.next_cursor is None:
            return False
        self._cursors.append(self.next_cursor)
        return True

    def back(self) -> bool:
        if len(self._cursors) == 1:
            return False
        self._cursors.pop()
        return True

    def loaded(self, rows: int, next_cursor: str | None) -> None:
        self.next_cursor = next_cursor
        more = "  ] next page" if next_cursor else ""
        earlier = "  [ previous page" if self.number > 1 else ""
        noun = "row" if rows == 1 else "rows"
        self.update(Content(f"page {self.number} · {rows} {noun}{more}{earlier}"))
