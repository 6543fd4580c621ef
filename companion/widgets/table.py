"""The companion's table: Textual's DataTable, redrawn once its columns are measured.

DataTable measures new rows and widens its columns when its message queue runs dry, but keeps
the lines it drew before then. On a busy machine the screen can be painted between a reload
and that measurement, and the table then showed every column cut to its header's width until
the next change. Dropping the drawn lines after each measurement shows the real widths."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class Table(DataTable[Any]):
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self._clear_caches()
        self.refresh()
