"""A section that lists records from a paged admin endpoint in a table: fetching, paging,
keeping the cursor on the same record across reloads, and finding the selected record.

Records are the API's own models (`shared/shapes`). Each screen lays out the fields it knows
in COLUMNS and names them in SHOWN; any other field of its MODEL gets a column of its own, so a
field added to the API's model shows here with no edit to the companion."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import msgspec
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from companion import format
from companion.client import Page
from companion.screens.base import CompanionScreen
from companion.widgets.pager import Pager
from companion.widgets.table import Table
from shared.text import printable


def plain(cell: Any) -> Any:
    """A cell as it reads: DataTable parses a str as Rich markup, so a label `[/oops]` would
    crash the screen and `[red]` would restyle it; a server's string is shown as plain text."""
    return Text(printable(cell)) if isinstance(cell, str) else cell


class ListScreen(CompanionScreen):
    COLUMNS: ClassVar[tuple[str, ...]]
    MODEL: ClassVar[type[msgspec.Struct]]
    #: The MODEL's fields that COLUMNS show, or leave out on purpose.
    SHOWN: ClassVar[frozenset[str]]
    NOUN: ClassVar[str]
    AUTO_FOCUS = "#table"
    BINDINGS = [
        Binding("r", "reload", "Refresh"),
        # Not in the footer (the pager's line names them, help lists them): `? Help` must fit.
        Binding("right_square_bracket", "page(1)", "Next page", show=False),
        Binding("left_square_bracket", "page(-1)", "Prev page", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, Any] = {}
        self._select_next: str | None = None

    def compose_body(self) -> ComposeResult:
        yield from self.compose_controls()
        yield Table(id="table", cursor_type="row", zebra_stripes=True)
        yield Pager()
        yield from self.compose_details()

    def compose_controls(self) -> Iterable[Any]:
        return ()

    def compose_details(self) -> Iterable[Any]:
        return ()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#table", DataTable)

    @property
    def pager(self) -> Pager:
        return self.query_one(Pager)

    @classmethod
    def more_fields(cls) -> tuple[str, ...]:
        """The MODEL's fields no column of this screen was written for."""
        return tuple(name for name in cls.MODEL.__struct_fields__ if name not in cls.SHOWN)

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return (*cls.COLUMNS, *(name.replace("_", " ").capitalize() for name in cls.more_fields()))

    def cells(self, item: Any) -> tuple[Any, ...]:
        """The row of `item`: the screen's own cells, then its other fields as plain text."""
        return (*self.row(item), *(format.plain(getattr(item, name)) for name in self.more_fields()))

    def on_mount(self) -> None:
        self.table.add_columns(*self.columns())

    def on_screen_resume(self) -> None:
        self.reload()

    async def fetch(self, cursor: str | None) -> Page:
        raise NotImplementedError

    async def prepare(self, items: Sequence[Any]) -> None:
        """Fetch what the rows need besides the page itself (owners' emails)."""

    def row(self, item: Any) -> Sequence[Any]:
        raise NotImplementedError

    @work(exclusive=True, group="list")
    async def reload(self) -> None:
        page = await self.attempt(self.fetch(self.pager.cursor))
        if page is None:
            return
        self.status.clear_stale()  # before prepare, whose own failure must stay on show
        await self.attempt(self.prepare(page.items))
        self.fill(page)

    def fill(self, page: Page) -> None:
        table = self.table
        kept = self.selected
        wanted = self._select_next or (kept.id if kept is not None else None)
        self._select_next = None
        table.clear()
        self.items = {item.id: item for item in page.items}
        for item in page.items:
            table.add_row(*map(plain, self.cells(item)), key=item.id)
        if wanted in self.items:
            table.move_cursor(row=table.get_row_index(wanted))
        self.pager.loaded(len(page.items), page.next_cursor)
        if not page.items and self.pager.number == 1:
            self.status.show_info(f"No {self.NOUN}s yet: press n to add one.")

    def reload_selecting(self, item_id: str) -> None:
        """Reload from the first page with a record just made selected, so the next key
        (save, show URL) acts on it rather than on the row selected before."""
        self._select_next = item_id
        self.pager.reset()
        self.reload()

    @property
    def selected(self) -> Any | None:
        table = self.table
        if table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key
        return self.items.get(str(row_key.value))

    def require_selected(self) -> Any | None:
        item = self.selected
        if item is None:
            self.status.show_info(f"No {self.NOUN} selected: the list is empty.")
        return item

    def action_reload(self) -> None:
        self.reload()

    def action_page(self, step: int) -> None:
        moved = self.pager.forward() if step > 0 else self.pager.back()
        if moved:
            self.reload()
        else:
            self.status.show_info("No next page." if step > 0 else "Already on the first page.")
