"""An email alert reaches its one address and nobody else: every address the API accepts is one
mailbox to a header parser, and the SMTP envelope names exactly the alert's destination."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import getaddresses

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from shared.alerts import AlertSpec, new_alert
from shared.config import Settings
from shared.errors import InvalidInput
from shared.ids import now
from shared.models import Condition, NotificationStatus, User
from shared.store.base import Store
from shared.users import EMAIL, valid_email
from tests.notifications.conftest import fire
from tests.support.smtp import Mailbox
from updater.notify.outbox import OutboxDelivery

#: What splits or rewrites an address in a header, sprinkled into otherwise good ones.
TRICKY = st.sampled_from(list(',;:<>"()[]\\@ \t\r\n.=?') + ["=?utf-8?q?", "?=", "\u00e9", "\x00"])


@st.composite
def candidates(draw: st.DrawFn) -> str:
    """Addresses the pattern accepts, the same with tricky characters put in, one hidden in an
    RFC 2047 encoded word, and plain text."""
    good = draw(st.from_regex(EMAIL, fullmatch=True))
    spots = draw(st.lists(st.tuples(st.integers(0, len(good)), TRICKY), max_size=3))
    mangled = good
    for spot, piece in spots:
        mangled = mangled[:spot] + piece + mangled[spot:]
    encoded = "=?utf-8?q?" + good.replace("@", "=2C_eve=40", 1) + "?=@example.com"
    return draw(st.sampled_from([good, mangled, encoded, draw(st.text(max_size=40))]))


@given(candidates())
def test_every_accepted_address_is_exactly_one_recipient(raw: str) -> None:
    try:
        address = valid_email(raw)
    except InvalidInput:
        return
    assert getaddresses([address]) == [("", address)]
    message = EmailMessage()
    message["To"] = address
    assert [a.addr_spec for a in message["To"].addresses] == [address]
    assert getaddresses([str(message["To"])]) == [("", address)]


def test_a_record_that_is_not_one_address_is_given_up_unsent(
    notify_settings: Settings, store: Store, user: User, mailbox: Mailbox
) -> None:
    """A record written before addresses were checked this strictly reaches nobody: the
    destination is checked again at delivery, so neither smtplib nor the mail server is left to
    read `a, b` as one address, the first, or both."""
    good = new_alert(AlertSpec("BTC", Condition.ABOVE, 1.0), user, notify_settings, now())
    store.create_alert(good)
    legacy = msgspec.structs.replace(good, id=good.id + "x", destination="ada@example.com, eve@example.net")
    store.create_alert(legacy)
    at = now()
    assert fire(store, 2.0, at=at) == 2

    asyncio.run(OutboxDelivery().deliver(store, notify_settings, at))

    assert mailbox.recipients == [["ada@example.com"]]
    [refused] = store.list_notifications(alert_id=legacy.id).items
    assert (refused.status, refused.attempts) == (NotificationStatus.FAILED, 1)
    assert refused.last_error and "not one email address" in refused.last_error
