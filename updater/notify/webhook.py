"""Webhook delivery: an httpx POST of the JSON body fixed at trigger time, signed.

Headers: `X-Cryptowatch-Signature: sha256=<hex HMAC-SHA256 of the raw body>` keyed with the
user's webhook_secret (or the global WEBHOOK_SECRET), `X-Cryptowatch-Timestamp` (epoch seconds
of this attempt) and `X-Cryptowatch-Delivery` (the outbox id, the same on every retry, so a
receiver can drop duplicates). Any answer but 2xx is a failed attempt; redirects are not
followed."""

from __future__ import annotations

import hashlib
import hmac

import httpx

from shared.config import Settings
from shared.ids import now
from shared.models import Notification
from shared.store.base import Store
from updater.notify.base import DeliveryError

SIGNATURE_HEADER = "X-Cryptowatch-Signature"
TIMESTAMP_HEADER = "X-Cryptowatch-Timestamp"
DELIVERY_HEADER = "X-Cryptowatch-Delivery"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSender:
    def __init__(self, store: Store, settings: Settings, client: httpx.AsyncClient) -> None:
        self._store = store
        self._settings = settings
        self._client = client

    def _secret(self, user_id: str) -> str:
        user = self._store.get_user(user_id)
        secret = (user.webhook_secret if user else None) or self._settings.webhook_secret
        if not secret:
            raise DeliveryError("no signing secret: set the user's webhook_secret or WEBHOOK_SECRET")
        return secret

    async def send(self, notification: Notification) -> None:
        body = notification.body.encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self._secret(notification.user_id), body),
            TIMESTAMP_HEADER: str(now()),
            DELIVERY_HEADER: notification.id,
        }
        try:
            response = await self._client.post(notification.destination, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise DeliveryError(f"webhook {type(error).__name__}: {error}") from None
        if not response.is_success:
            raise DeliveryError(f"webhook answered {response.status_code}")
