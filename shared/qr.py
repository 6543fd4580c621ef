"""A QR code as text: unicode half blocks, two modules per character row, for a terminal.

The companion shows one for a new key (the pairing URI), and the reference watch one for its
pending pairing (the verification URI with the code), so a phone can scan either screen."""

from __future__ import annotations

import io

import segno


def qr_text(data: str, border: int = 2) -> str:
    out = io.StringIO()
    segno.make(data, error="m", micro=False).terminal(out=out, border=border, compact=True)
    return out.getvalue().rstrip("\n")
