"""An export's URL, to open or share: a pre-signed link valid one hour on AWS, or the
server's download route (which needs an admin key) when embedded."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.content import Content
from textual.widgets import Label

from companion.screens.copyable import CopyableModal


class ExportLink(CopyableModal):
    KIND = "link"
    WHAT = "URL"

    def __init__(self, url: str, *, presigned: bool) -> None:
        super().__init__(url)
        self.presigned = presigned

    def compose_content(self) -> Iterable[Any]:
        note = (
            "A pre-signed link: anyone with it can download the file for one hour."
            if self.presigned
            else "Served by cryptowatch itself: send the admin key (X-API-Key) to download it, "
            "or save it from the Exports screen with s."
        )
        yield Label("Export URL", classes="heading")
        yield Label(Content(self._text), id="url")
        yield Label(note, classes="detail")
        yield from self.buttons()
