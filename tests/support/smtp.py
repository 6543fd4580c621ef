"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts."""

from __future__ import annotations

import contextlib
import datetime
import email
import email.policy
import ipaddress
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
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
    #: Per message: the envelope recipients (RCPT TO), which is where it really goes.
    recipients: list[list[str]] = field(default_factory=list)
    #: Per message: when it was accepted, on `time.perf_counter()` (the benchmarks time delivery).
    arrived: list[float] = field(default_factory=list)
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
            self.box.recipients.append(list(envelope.rcpt_tos))
            self.box.arrived.append(time.perf_counter())
        return "250 OK"


def self_signed_tls(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the certificate file a client must trust."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


@contextlib.contextmanager
def smtp_server(
    port: int | None = None,
    *,
    login: tuple[str, str] | None = None,
    box: Mailbox | None = None,
    tls: ssl.SSLContext | None = None,
) -> Iterator[Mailbox]:
    """Accept mail on `port` (a free one by default) until the block ends. With `login`, the
    server offers AUTH for that user and password; whether a message came after a login is in
    `Mailbox.authenticated`. With `tls`, the server requires STARTTLS before anything else
    (AUTH included); without it, AUTH is offered over plain TCP (loopback only)."""
    box = box or Mailbox(port or free_port())
    kwargs: dict[str, Any] = {}
    if login is not None:

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok)

        kwargs = {"authenticator": authenticate, "auth_require_tls": tls is not None}
    if tls is not None:
        kwargs |= {"tls_context": tls, "require_starttls": True}
    controller = Controller(_Collector(box), hostname="127.0.0.1", port=box.port, server_kwargs=kwargs)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
