"""Email delivery with the standard library's smtplib, run in a worker thread.

Configured by SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM and SMTP_STARTTLS;
port 465 means TLS from the first byte (SMTPS) instead of STARTTLS."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from shared.config import Settings
from shared.errors import InvalidInput
from shared.models import Notification, User
from shared.users import valid_email
from updater.notify.base import DeliveryError, Undeliverable

SMTPS_PORT = 465


def message_for(notification: Notification, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notification.destination
    message["Subject"] = notification.subject
    message["Date"] = formatdate(localtime=False)
    # One Message-ID per outbox record: a mail server or client can tell a retry's copy.
    message["Message-ID"] = make_msgid(idstring=notification.id, domain="cryptowatch")
    message.set_content(notification.body)
    return message


def one_address(destination: str) -> str:
    """The destination checked again at delivery, as the API checks it today: a record written
    under looser rules (`a@x.com, b@y.com`) is never sent, rather than left to how smtplib and
    the mail server each read it."""
    try:
        return valid_email(destination)
    except InvalidInput:
        raise Undeliverable(f"{destination[:80]!r} is not one email address; not sent") from None


class EmailSender:
    def __init__(self, settings: Settings, timeout: float = 15.0) -> None:
        self._settings = settings
        self._timeout = timeout

    async def send(self, notification: Notification, user: User) -> None:
        recipient = one_address(notification.destination)
        message = message_for(notification, self._settings.smtp_from)
        await asyncio.to_thread(self._send, message, recipient)

    def _send(self, message: EmailMessage, recipient: str) -> None:
        """The envelope names `recipient` alone: smtplib would otherwise take the recipients
        from the To header, which a header parser may read as several addresses."""
        s = self._settings
        if not s.smtp_host:
            raise DeliveryError("SMTP_HOST is not set; the email waits in the outbox")
        try:
            if s.smtp_port == SMTPS_PORT:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host,
                    s.smtp_port,
                    timeout=self._timeout,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self._timeout)
            with client:
                if s.smtp_starttls and s.smtp_port != SMTPS_PORT:
                    client.starttls(context=ssl.create_default_context())
                if s.smtp_user:
                    client.login(s.smtp_user, s.smtp_password or "")
                client.send_message(message, to_addrs=[recipient])
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP {s.smtp_host}:{s.smtp_port}: {type(error).__name__}: {error}") from None
