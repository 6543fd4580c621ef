"""The watch's side of HTTP: a request goes out, and only the status and the parsed JSON body
come back, exactly what Connect IQ's `makeWebRequest` passes to its callback. Headers are never
read here, so everything the client does must follow from the body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

TIMEOUT_SECONDS = 10.0


class Unreachable(Exception):
    """No answer at all: refused, reset, timed out (Connect IQ's negative response codes)."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]  # {} when the answer was not a JSON object

    @property
    def error(self) -> str:
        return str(self.body.get("error", f"http_{self.status}"))

    def seconds(self, field: str, default: int) -> int:
        """A whole number of seconds from the body, at least 1 (default when absent or odd)."""
        value = self.body.get(field)
        return max(1, value) if isinstance(value, int) and not isinstance(value, bool) else default


class Link:
    def __init__(self, url: str, *, transport: httpx.BaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self._client = httpx.Client(base_url=self.url, timeout=TIMEOUT_SECONDS, transport=transport)

    def post_form(self, path: str, form: dict[str, str]) -> Answer:
        return self._send("POST", path, data=form)

    def get(self, path: str, key: str) -> Answer:
        return self._send("GET", path, headers={"X-API-Key": key})

    def _send(self, method: str, path: str, **options: Any) -> Answer:
        try:
            response = self._client.request(method, path, **options)
        except httpx.TransportError as error:
            raise Unreachable(type(error).__name__) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        return Answer(response.status_code, body if isinstance(body, dict) else {})

    def close(self) -> None:
        self._client.close()
