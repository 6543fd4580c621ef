"""Exports of price history: make one, list them, save one to a file or show its URL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding

from companion import format
from companion.client import Page
from companion.screens.export_form import ExportForm
from companion.screens.export_link import ExportLink
from companion.screens.listing import ListScreen
from companion.screens.save_export import SaveExport
from shared.shapes.exports import Export


def range_text(export: Export) -> str:
    start, end = export.start, export.end
    if not start and not end:
        return "everything"
    return f"{format.day(start)} → {format.day(end)}"


class ExportsScreen(ListScreen):
    MODE = "exports"
    TITLE = "Exports"
    NOUN = "export"
    COLUMNS = ("Created", "Format", "Symbols", "Range (UTC)", "Records", "Size", "File")
    MODEL = Export
    #: The fields the columns were written for (or leave out); any other field gets its own column.
    SHOWN = frozenset({
        "id", "file_key", "format", "symbols", "start", "end", "records", "size_bytes",
        "created_at", "url"
    })
    BINDINGS = [
        Binding("n", "new_export", "New export"),
        Binding("s", "save", "Save to file"),
        Binding("u", "show_url", "Show URL"),
    ]

    async def fetch(self, cursor: str | None) -> Page:
        return await self.client.exports(cursor=cursor)

    def row(self, item: Export) -> Sequence[Any]:
        symbols = item.symbols or []
        return (
            format.ago(item.created_at, self.now()),
            str(item.format).upper(),
            ", ".join(symbols) if len(symbols) <= 4 else f"{len(symbols)} symbols",
            range_text(item),
            Text(f"{item.records:,}", justify="right"),
            Text(format.size(item.size_bytes), justify="right"),
            item.file_key,
        )

    @work(exclusive=True, group="action")
    async def action_new_export(self) -> None:
        export = await self.app.push_screen_wait(ExportForm(self.client, self.now))
        if export is not None:
            self.done(
                f"{export.message}: {export.records:,} records "
                f"in {export.file_key}. Press s to save it, u for its URL."
            )
            self.reload_selecting(export.id)

    @work(exclusive=True, group="action")
    async def action_save(self) -> None:
        export = self.require_selected()
        if export is None:
            return
        path = await self.app.push_screen_wait(SaveExport(self.client, export))
        if path is not None:
            self.done(f"Saved {export.file_key} to {path}.")

    def action_show_url(self) -> None:
        export = self.require_selected()
        if export is None:
            return
        url = str(export.url)
        self.app.push_screen(
            ExportLink(self.client.absolute_url(url), presigned=not self.client.is_own(url))
        )
