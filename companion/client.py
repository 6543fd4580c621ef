"""An async client of the cryptowatch admin and watch APIs, over HTTP only.

The companion never opens the store: everything it shows or changes goes through the same
API a remote operator would use. Every failure leaves this module as a `CompanionError`
subclass with a sentence a person can act on, so screens never see httpx exceptions.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
import msgspec

from companion.errors import (
    CompanionError,
    Missing,
    NotAllowed,
    RateLimited,
    Rejected,
    ServerFailed,
    Unreachable,
    WrongKey,
)
from shared.shapes.alerts import Alert, AlertPage
from shared.shapes.exports import ExportCreated, ExportPage
from shared.shapes.health import Health
from shared.shapes.keys import KeyCreated, KeyView, KeyViewPage
from shared.shapes.notifications import Notification, NotificationPage
from shared.shapes.pairing import PairingDecision
from shared.shapes.portfolio import PortfolioSummary
from shared.shapes.prices import History, Prices
from shared.shapes.users import User, UserPage

JSON = dict[str, Any]
DEFAULT_TIMEOUT = 10.0
USER_AGENT = "cryptowatch-companion"

_KEY_HINTS = {
    "missing_key": "No admin key was sent. Give one with --key or CRYPTOWATCH_ADMIN_KEY.",
    "unknown_key": "The server does not know this admin key. Check --key, CRYPTOWATCH_ADMIN_KEY "
    "or the config file; `cryptowatch serve` leaves its key in data/admin.key.",
    "expired_key": "This admin key has expired. On the server's machine, "
    "`cryptowatch keys create --scope admin --save` makes a new one where the companion finds it.",
    "revoked_key": "This admin key was revoked. On the server's machine, "
    "`cryptowatch keys create --scope admin --save` makes a new one where the companion finds it.",
}


M = TypeVar("M")


class Page(Protocol):
    """One page of a listing (the API's `UserPage`, `KeyViewPage`...); pass `next_cursor` back
    for the next one (None: last page)."""

    @property
    def items(self) -> Sequence[Any]: ...

    @property
    def next_cursor(self) -> str | None: ...


#: The most records the admin API returns in one page (its `limit` runs 1..200).
MAX_PAGE = 200


def _query(**params: object) -> dict[str, str]:
    """Query parameters without the unset ones (None or empty)."""
    return {name: str(value) for name, value in params.items() if value not in (None, "")}


def _error_body(response: httpx.Response) -> tuple[str, str]:
    """(code, message) from the API's `{"error", "message"}` body, or from the status line."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body.get("error") or ""), body["message"]
    return "", response.reason_phrase or f"HTTP {response.status_code}"


def error_for(response: httpx.Response) -> CompanionError:
    """The typed, human error for a non-2xx answer."""
    status = response.status_code
    code, message = _error_body(response)
    if status == 401:
        return WrongKey(_KEY_HINTS.get(code, message), code=code, status=status)
    if status == 403:
        if code == "insufficient_scope":
            message = "This is a watch key; the companion needs an admin key."
        return NotAllowed(message, code=code, status=status)
    if status == 404:
        return Missing(message, code=code, status=status)
    if status == 429:
        retry = response.headers.get("retry-after", "")
        seconds = int(retry) if retry.isdigit() else 60
        return RateLimited(
            f"Too many requests with this key; try again in {seconds} s.",
            retry_after=seconds, code=code, status=status,
        )
    if status >= 500:
        return ServerFailed(f"The server failed ({status}): {message}", code=code, status=status)
    return Rejected(message, code=code, status=status)


class CompanionClient:
    """The admin and watch APIs of one server, authenticated with one key."""

    def __init__(
        self,
        base_url: str,
        key: str | None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if key:
            headers["X-API-Key"] = key
        self._timeout = timeout
        self._http = httpx.AsyncClient(
            base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        try:
            return await self._http.send(request, stream=stream)
        except httpx.TimeoutException:
            raise Unreachable(
                f"{self.base_url} did not answer within {self._timeout:g} s."
            ) from None
        except httpx.ConnectError:
            raise Unreachable(
                f"Cannot reach {self.base_url}: nothing answers there. "
                "Is `cryptowatch serve` running, and is --url right?"
            ) from None
        except httpx.TransportError as error:
            raise Unreachable(f"Cannot talk to {self.base_url}: {error}") from None

    async def _send_json(
        self, method: str, path: str, params: Mapping[str, str] | None, body: JSON | None, accept: tuple[int, ...]
    ) -> httpx.Response:
        request = self._http.build_request(method, path, params=params, json=body)
        response = await self._send(request)
        if not (response.is_success or response.status_code in accept):
            raise error_for(response)
        return response

    async def _call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        params: Mapping[str, str] | None = None,
        body: JSON | None = None,
        accept: tuple[int, ...] = (),
        shape: str = "with unexpected JSON",
    ) -> M:
        """One request; a 2xx (or a status in `accept`) gives its body decoded into `model`, the
        API's own shape (`shared/shapes`); a body that is not one is `shape`, a ServerFailed."""
        response = await self._send_json(method, path, params, body, accept)
        try:
            return msgspec.json.decode(response.content, type=model)
        except msgspec.ValidationError:
            raise ServerFailed(f"The server answered {method} {path} {shape}.") from None
        except msgspec.DecodeError:
            raise ServerFailed(
                f"The server answered {method} {path} with something that is not JSON."
            ) from None

    async def _done(self, method: str, path: str) -> None:
        """A request whose answer has no body (204)."""
        await self._send_json(method, path, None, None, ())

    async def _page(self, path: str, model: type[M], **params: object) -> M:
        return await self._call("GET", path, model, params=_query(**params), shape="without a list of records")

    # Watch side and monitoring

    async def health(self) -> Health:
        """/health answers 503 with the same body when stale or the store is down; a 503 of a
        proxy in front, or any answer without that body, is a failure."""
        try:
            return await self._call(
                "GET", "/health", Health, accept=(503,), shape="without a cryptowatch health report"
            )
        except Missing as error:
            raise Missing(
                f"{self.base_url} has no /health: is it a cryptowatch server? Check --url.",
                code=error.code, status=error.status,
            ) from None

    async def prices(self) -> Prices:
        """The compact watch body: `p` maps each symbol to [price, 24h change]."""
        return await self._call("GET", "/v1/prices", Prices, shape="without prices")

    async def history(self, symbol: str, *, hours: int = 24, points: int = 48) -> History:
        """The compact history body: `p` lists evenly spaced prices, null before the first one."""
        path = f"/v1/history/{symbol}"
        params = _query(hours=hours, points=points)
        return await self._call("GET", path, History, params=params, shape="without a list of prices")

    # Users

    async def users(self, *, email: str = "", limit: int = 50, cursor: str | None = None) -> UserPage:
        return await self._page("/admin/users", UserPage, email=email, limit=limit, cursor=cursor)

    async def user(self, user_id: str) -> User:
        return await self._call("GET", f"/admin/users/{user_id}", User)

    async def user_by_email(self, email: str) -> User:
        page = await self.users(email=email, limit=1)
        if not page.items:
            raise Missing(f"No user has the email {email}.", code="user_not_found", status=404)
        return page.items[0]

    async def create_user(self, *, email: str, name: str) -> User:
        return await self._call("POST", "/admin/users", User, body={"email": email, "name": name})

    async def set_user_disabled(self, user_id: str, disabled: bool) -> User:
        """Disabling revokes every key and session of the user at once; enabling restores none."""
        return await self._call("POST", f"/admin/users/{user_id}/{'disable' if disabled else 'enable'}", User)

    async def resend_verification(self, user_id: str) -> User:
        return await self._call("POST", f"/admin/users/{user_id}/resend-verification", User)

    async def delete_user(self, user_id: str) -> bool:
        """Deletes the user, revokes their keys and cancels their alerts."""
        await self._done("DELETE", f"/admin/users/{user_id}")
        return True

    async def portfolio(self, user_id: str, *, vs: str = "") -> PortfolioSummary:
        """The user's holdings valued at the latest prices, with the total and its subtotals."""
        path = f"/admin/users/{user_id}/portfolio"
        return await self._call("GET", path, PortfolioSummary, params=_query(vs=vs), shape="without a portfolio")

    # Keys

    async def keys(self, *, user_id: str = "", limit: int = 50, cursor: str | None = None) -> KeyViewPage:
        return await self._page("/admin/keys", KeyViewPage, user_id=user_id, limit=limit, cursor=cursor)

    async def create_key(
        self, *, user_id: str, scope: str, label: str = "", rate_limit: int | None = None
    ) -> KeyCreated:
        """The new key's view plus `key`, its secret, which the server shows only this once."""
        body: JSON = {"user_id": user_id, "scope": scope}
        if label:
            body["label"] = label
        if rate_limit is not None:
            body["rate_limit"] = rate_limit
        return await self._call("POST", "/admin/keys", KeyCreated, body=body)

    def is_own_key(self, key: KeyView) -> bool:
        """Whether a listed key is the one this client sends (its display prefix starts it;
        two keys sharing 8 random characters of prefix are a one in 2**48 chance)."""
        prefix = key.prefix
        return bool(self._key and prefix and self._key.startswith(prefix))

    async def owns_own_key(self, user_id: str) -> bool:
        """Whether the user owns the key this client sends: deleting them would revoke it."""
        cursor = None
        while True:
            page = await self.keys(user_id=user_id, limit=MAX_PAGE, cursor=cursor)
            if any(self.is_own_key(key) for key in page.items):
                return True
            if page.next_cursor is None:
                return False
            cursor = page.next_cursor

    async def revoke_key(self, key_id: str) -> KeyView:
        return await self._call("POST", f"/admin/keys/{key_id}/revoke", KeyView)

    # Pairing a watch (RFC 8628)

    async def approve_pairing(self, *, user_code: str, user_id: str, label: str = "") -> PairingDecision:
        """Approve the code a watch shows; its next poll gets a watch key owned by `user_id`."""
        body: JSON = {"user_code": user_code, "user_id": user_id}
        if label:
            body["label"] = label
        return await self._call("POST", "/admin/pairings/approve", PairingDecision, body=body)

    # Alerts and their outbox

    async def alerts(self, *, status: str = "", limit: int = 50, cursor: str | None = None) -> AlertPage:
        return await self._page("/admin/alerts", AlertPage, status=status, limit=limit, cursor=cursor)

    async def create_alert(self, fields: JSON) -> Alert:
        return await self._call("POST", "/admin/alerts", Alert, body=fields)

    async def delete_alert(self, alert_id: str) -> bool:
        """Cancels the alert (idempotent)."""
        await self._done("DELETE", f"/admin/alerts/{alert_id}")
        return True

    async def notifications(
        self, *, alert_id: str = "", status: str = "", limit: int = 20, cursor: str | None = None
    ) -> NotificationPage:
        return await self._page(
            "/admin/notifications", NotificationPage, alert_id=alert_id, status=status, limit=limit, cursor=cursor
        )

    async def failed_notifications(self, alert_id: str) -> list[Notification]:
        """Every failed notification of the alert, all pages: the ones an admin may retry."""
        found: list[Notification] = []
        cursor = None
        while True:
            page = await self.notifications(alert_id=alert_id, status="failed", limit=MAX_PAGE, cursor=cursor)
            found.extend(page.items)
            if page.next_cursor is None:
                return found
            cursor = page.next_cursor

    async def retry_notification(self, notification_id: str) -> Notification:
        """Puts a failed notification back in the outbox; the updater sends it next cycle."""
        return await self._call("POST", f"/admin/notifications/{notification_id}/retry", Notification)

    # Exports

    async def exports(self, *, limit: int = 50, cursor: str | None = None) -> ExportPage:
        return await self._page("/admin/exports", ExportPage, limit=limit, cursor=cursor)

    async def create_export(
        self, *, fmt: str, symbols: list[str], start: int | None, end: int | None
    ) -> ExportCreated:
        body: JSON = {"format": fmt}
        if symbols:
            body["symbols"] = symbols
        if start is not None:
            body["start"] = start
        if end is not None:
            body["end"] = end
        return await self._call("POST", "/admin/exports", ExportCreated, body=body)

    def absolute_url(self, url: str) -> str:
        """An export's `url` as a person can use it (embedded mode gives a relative path)."""
        return str(self._http.base_url.join(url)) if httpx.URL(url).is_relative_url else url

    def is_own(self, url: str) -> bool:
        """Whether `url` points at this server (and so may carry the admin key)."""
        target, base = httpx.URL(self.absolute_url(url)), self._http.base_url
        return (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port)

    async def download(self, url: str, destination: Path) -> int:
        """Stream an export into `destination` (written whole or not at all); returns its size.

        The admin key goes only to this server: a pre-signed URL elsewhere is fetched without it.
        """
        request = self._http.build_request("GET", self.absolute_url(url))
        if not self.is_own(url):
            request.headers.pop("X-API-Key", None)
        response = await self._send(request, stream=True)
        try:
            if not response.is_success:
                await response.aread()
                raise error_for(response)
            return await _write_atomically(response, destination)
        except httpx.TransportError as error:
            raise Unreachable(f"The download from {request.url.host} broke off: {error}") from None
        finally:
            await response.aclose()


async def _write_atomically(response: httpx.Response, destination: Path) -> int:
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".download-", dir=destination.parent)
    size = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            async for chunk in response.aiter_bytes():
                handle.write(chunk)
                size += len(chunk)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size
