"""A QR code drawn with half-block characters, for pairing a watch by scanning the screen.

Dark modules are drawn as spaces on a light block background, so the widget pins its own
colours: a scanner needs dark-on-light whatever the terminal theme."""

from __future__ import annotations

import io

import segno
from textual.content import Content
from textual.widgets import Static


def qr_text(data: str, border: int = 2) -> str:
    """The QR code of `data` as lines of unicode half blocks (two modules per character row)."""
    out = io.StringIO()
    segno.make(data, error="m", micro=False).terminal(out=out, border=border, compact=True)
    return out.getvalue().rstrip("\n")


class QRCode(Static):
    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; color: #ffffff; background: #000000; }
    """

    def __init__(self, data: str, *, id: str | None = None) -> None:
        super().__init__(Content(qr_text(data)), id=id)
