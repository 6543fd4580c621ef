"""A QR code drawn with half-block characters, for pairing a watch by scanning the screen.

Dark modules are drawn as spaces on a light block background, so the widget pins its own
colours: a scanner needs dark-on-light whatever the terminal theme."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from shared.qr import qr_text


class QRCode(Static):
    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; color: #ffffff; background: #000000; }
    """

    def __init__(self, data: str, *, id: str | None = None) -> None:
        super().__init__(Content(qr_text(data)), id=id)
