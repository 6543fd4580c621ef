"""Exports of price history: make one, list them, save one to a file or show its URL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding

from companion import format
from companion.client import JSON, Page
from companion.screens.export_form import ExportForm
from companion.screens.export_link import ExportLink
from companion.screens.listing import ListScreen
from companion.screens.save_export import SaveExport


def range_text(export: JSON) -> str:
    start, end = export.get("start"), export.get("end")
    if not start and not end:
        return "everything"
    return f"{format.day(start)} → {format.day(end)}"


class ExportsScreen(ListScreen):
    MODE = "exports"
    TITLE = "Exports"
    NOUN = "export"
    COLUMNS = ("Created", "Format", "Symbols", "Range (UTC)", "Records", "Size", "File")
    BINDINGS = [
        Binding("n", "new_export", "New export"),
        Binding("s", "save", "Save to file"),
        Binding("u", "show_url", "Show URL"),
    ]

    async def fetch(self, cursor: str | None) -> Page:
        return await self.client.exports(cursor=cursor)

    def row(self, item: JSON) -> Sequence[Any]:
        symbols = item.get("symbols") or []
        return (
            format.ago(item.get("created_at"), self.now()),
            str(item.get("format", "?")).upper(),
            ", ".join(symbols) if len(symbols) <= 4 else f"{len(symbols)} symbols",
            range_text(item),
            Text(f"{item.get('records', 0):,}", justify="right"),
            Text(format.size(item.get("size_bytes")), justify="right"),
            item.get("file_key", ""),
        )

    @work(exclusive=True, group="action")
    async def action_new_export(self) -> None:
        export = await self.app.push_screen_wait(ExportForm(self.client, self.now))
        if export is not None:
            self.done(
                f"{export.get('message', 'Export made')}: {export.get('records', 0):,} records "
                f"in {export.get('file_key')}. Press s to save it, u for its URL."
            )
            self.reload_selecting(export["id"])

    @work(exclusive=True, group="action")
    async def action_save(self) -> None:
        export = self.require_selected()
        if export is None:
            return
        path = await self.app.push_screen_wait(SaveExport(self.client, export))
        if path is not None:
            self.done(f"Saved {export.get('file_key')} to {path}.")

    def action_show_url(self) -> None:
        export = self.require_selected()
        if export is None:
            return
        url = str(export.get("url", ""))
        self.app.push_screen(
            ExportLink(self.client.absolute_url(url), presigned=not self.client.is_own(url))
        )
