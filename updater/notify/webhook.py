"""Webhook delivery: an httpx POST of the JSON body fixed at trigger time, signed.

Headers: `X-Cryptowatch-Timestamp` (epoch seconds of this attempt), `X-Cryptowatch-Signature:
sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` keyed with the user's webhook_secret (or
the global WEBHOOK_SECRET), and `X-Cryptowatch-Delivery` (the outbox id, the same on every
retry, so a receiver can drop duplicates). Signing the timestamp with the body (Stripe's scheme)
lets a receiver refuse an old request replayed with a fresh timestamp. Any answer but 2xx is a
failed attempt; redirects are not followed. Only the status matters: a 2xx body is never read,
and of another answer's body at most ERROR_BODY_BYTES (for the record's last_error), so a
receiver that answers with hundreds of megabytes costs nothing. How long a delivery may take in
all is the outbox's deadline (`updater.notify.outbox`), not httpx's per-read timeout.

The URL's host is resolved here and every address it has must be public (`shared.webhook_hosts`)
unless WEBHOOK_ALLOW_PRIVATE; the POST then goes to a checked address, with the name in `Host`
and in TLS (SNI and certificate check), so a DNS answer that changes between the check and the
connection cannot lead it to a private one."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import socket

import httpx

from shared.config import Settings
from shared.ids import now
from shared.models import Notification, User
from shared.webhook_hosts import Address, is_public
from updater.bounded import read_at_most, snippet
from updater.notify.base import DeliveryError

SIGNATURE_HEADER = "X-Cryptowatch-Signature"
TIMESTAMP_HEADER = "X-Cryptowatch-Timestamp"
DELIVERY_HEADER = "X-Cryptowatch-Delivery"
#: Of a failed answer's body, what last_error shows.
ERROR_BODY_BYTES = 1024


def sign(secret: str, timestamp: str, body: bytes) -> str:
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


class WebhookSender:
    def __init__(self, settings: Settings, client: httpx.AsyncClient) -> None:
        self._settings = settings
        self._client = client

    def _secret(self, user: User) -> str:
        secret = user.webhook_secret or self._settings.webhook_secret
        if not secret:
            raise DeliveryError("no signing secret: set the user's webhook_secret or WEBHOOK_SECRET")
        return secret

    async def send(self, notification: Notification, user: User) -> None:
        body = notification.body.encode()
        url = httpx.URL(notification.destination)
        timestamp = str(now())
        headers = {
            "Host": url.netloc.decode("ascii"),
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self._secret(user), timestamp, body),
            TIMESTAMP_HEADER: timestamp,
            DELIVERY_HEADER: notification.id,
        }
        addresses = await allowed_addresses(url, self._settings.webhook_allow_private)
        for address in addresses:
            request = self._client.build_request(
                "POST",
                url.copy_with(host=str(address)),
                content=body,
                headers=headers,
                extensions={"sni_hostname": url.host},
            )
            try:
                response = await self._client.send(request, stream=True)
            except httpx.ConnectError as error:
                if address == addresses[-1]:
                    raise DeliveryError(f"webhook ConnectError: {error}") from None
                continue  # the name has another address: try it, as a browser would
            except httpx.HTTPError as error:
                raise DeliveryError(f"webhook {type(error).__name__}: {error}") from None
            try:
                if not response.is_success:
                    raise DeliveryError(f"webhook answered {response.status_code}{await _said(response)}")
            finally:
                await response.aclose()
            return


async def _said(response: httpx.Response) -> str:
    """': <the start of the body>' when the receiver said something, else ''."""
    try:
        body, _ = await read_at_most(response, ERROR_BODY_BYTES)
    except httpx.HTTPError:
        return ""
    text = snippet(body)
    return f": {text}" if text else ""


async def allowed_addresses(url: httpx.URL, allow_private: bool) -> list[Address]:
    """Every address the URL's host resolves to, in resolver order; DeliveryError when it does
    not resolve or when any of them is not public (a name with one private address is
    refused whole: which one a connection would use is not ours to predict)."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            url.host, url.port or (443 if url.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except OSError as error:
        raise DeliveryError(f"webhook host {url.host} does not resolve: {error}") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))
    private = [a for a in addresses if not is_public(a)]
    if private and not allow_private:
        raise DeliveryError(
            f"webhook host {url.host} resolves to {private[0]}, which is not a public address; "
            "refused (WEBHOOK_ALLOW_PRIVATE=true allows it)"
        )
    return addresses
