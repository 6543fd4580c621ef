"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts."""

from __future__ import annotations

import contextlib
import email
import email.policy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.server import free_port


@dataclass
class Mailbox:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    #: Per message: whether the client had logged in (AUTH) before sending it.
    authenticated: list[bool] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)


class _Collector:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.box.lock:
            self.box.messages.append(message)
            self.box.authenticated.append(bool(session.authenticated))
        return "250 OK"


@contextlib.contextmanager
def smtp_server(
    port: int | None = None, *, login: tuple[str, str] | None = None, box: Mailbox | None = None
) -> Iterator[Mailbox]:
    """Accept mail on `port` (a free one by default) until the block ends. With `login`, the
    server offers AUTH for that user and password over plain TCP (loopback only); whether a
    message came after a login is in `Mailbox.authenticated`."""
    box = box or Mailbox(port or free_port())
    kwargs: dict[str, Any] = {}
    if login is not None:

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok)

        kwargs = {"authenticator": authenticate, "auth_require_tls": False}
    controller = Controller(_Collector(box), hostname="127.0.0.1", port=box.port, server_kwargs=kwargs)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
