"""The pairing URI: a service URL and a watch key in one string, for a QR code.

    cryptowatch://pair?url=https%3A%2F%2Fprices.example.com&key=cw_...

The companion shows it as a QR code when it makes a key, so a phone-side settings page (or
`cryptowatch watch --uri`) takes both at once; docs/watch-clients.md documents it for watch
developers. `url` is the service's base URL, percent-encoded; `key` is the key as issued."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from shared.errors import InvalidInput
from shared.keys import looks_like_key

SCHEME = "cryptowatch"
ACTION = "pair"


def pairing_uri(service_url: str, key: str) -> str:
    return f"{SCHEME}://{ACTION}?url={quote(service_url.rstrip('/'), safe='')}&key={quote(key, safe='')}"


def parse_pairing_uri(uri: str) -> tuple[str, str]:
    """(service URL, key) from a pairing URI; InvalidInput saying what is wrong otherwise."""
    parts = urlsplit(uri.strip())
    if parts.scheme != SCHEME or parts.netloc != ACTION:
        raise InvalidInput(f"a pairing URI starts with {SCHEME}://{ACTION}?", code="invalid_pairing_uri")
    fields = parse_qs(parts.query)
    url, key = fields.get("url", [""])[0], fields.get("key", [""])[0]
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise InvalidInput("the pairing URI's url is not an http(s) URL", code="invalid_pairing_uri")
    if not looks_like_key(key):
        raise InvalidInput("the pairing URI's key is not a cryptowatch key", code="invalid_pairing_uri")
    return url, key
