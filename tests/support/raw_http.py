"""Answers read off a plain socket, for tests that speak HTTP byte for byte (abusive requests,
slow clients, framing): what an HTTP library would refuse to send or would hide."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str | None:
        """The error code of a JSON error body; None for anything else (a parser's plain 400)."""
        if not self.headers.get("content-type", "").startswith("application/json"):
            return None
        return str(self.json().get("error"))


def parse_answer(received: bytes) -> Answer:
    """One whole response: status line, header fields, and the body after them."""
    raw_head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in header_lines)
    return Answer(int(status_line.split(" ", 2)[1]), {name.lower(): value for name, value in fields.items()}, body)
