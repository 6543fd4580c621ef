"""Pagination properties: for any page size, following the cursors visits every item exactly
once, in the listing's order.

Hypothesis runs many examples against one store, so each example owns its data: items of a
fresh user (or alert), or for unfiltered listings the ones it made among everything before.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.errors import InvalidInput
from shared.ids import new_id
from shared.models import AlertStatus
from shared.paging import encode_cursor
from shared.store.base import Store
from tests.contract import builders
from tests.contract.builders import NOW, collect

examples = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
sizes = st.integers(min_value=0, max_value=9)
page_sizes = st.integers(min_value=1, max_value=5)


@examples
@given(count=sizes, page_size=page_sizes)
def test_a_users_keys_page_by_page(store: Store, count: int, page_size: int) -> None:
    owner = new_id("usr")
    made = [store.create_key(builders.key(user_id=owner)) for _ in range(count)]

    listed = collect(lambda c: store.list_keys(owner, limit=page_size, cursor=c))

    assert listed == sorted(made, key=lambda k: k.id)


@examples
@given(cancelled=st.lists(st.booleans(), max_size=9), page_size=page_sizes)
def test_a_users_alerts_of_one_status_page_by_page(
    store: Store, cancelled: list[bool], page_size: int
) -> None:
    owner = new_id("usr")
    made = [store.create_alert(builders.alert(owner)) for _ in cancelled]
    for alert, cancel in zip(made, cancelled, strict=True):
        if cancel:
            store.cancel_alert(alert.id)

    active = collect(
        lambda c: store.list_alerts(owner, AlertStatus.ACTIVE, limit=page_size, cursor=c)
    )

    expected = sorted(a.id for a, cancel in zip(made, cancelled, strict=True) if not cancel)
    assert [a.id for a in active] == expected


@examples
@given(count=sizes, page_size=page_sizes)
def test_an_alerts_notifications_page_by_page(store: Store, count: int, page_size: int) -> None:
    repeating = store.create_alert(builders.alert(repeat=True))
    made = []
    for round_ in range(count):
        current = store.get_alert(repeating.id)
        assert current is not None
        outgoing = builders.notification(current)
        assert store.trigger_alert(current, NOW + round_, outgoing)
        made.append(outgoing.id)

    listed = collect(
        lambda c: store.list_notifications(alert_id=repeating.id, limit=page_size, cursor=c)
    )

    assert [n.id for n in listed] == sorted(made)


@examples
@given(count=sizes, page_size=page_sizes)
def test_all_users_page_by_page(store: Store, count: int, page_size: int) -> None:
    made = {store.create_user(builders.user()).id for _ in range(count)}

    listed = [u.id for u in collect(lambda c: store.list_users(page_size, c))]

    assert listed == sorted(set(listed)), "oldest first, each user once"
    assert made <= set(listed)
    assert listed == [u.id for u in store.list_users(10_000).items]


@examples
@given(count=sizes, page_size=page_sizes)
def test_all_exports_page_by_page_newest_first(store: Store, count: int, page_size: int) -> None:
    made = {store.create_export(builders.export()).id for _ in range(count)}

    listed = [e.id for e in collect(lambda c: store.list_exports(page_size, c))]

    assert listed == sorted(set(listed), reverse=True), "newest first, each export once"
    assert made <= set(listed)
    assert listed == [e.id for e in store.list_exports(10_000).items]


LISTINGS: dict[str, tuple[str, Callable[[Store, str], object]]] = {
    "users": ("usr", lambda store, cursor: store.list_users(10, cursor)),
    "keys": ("key", lambda store, cursor: store.list_keys(limit=10, cursor=cursor)),
    "a user's keys": ("key", lambda store, cursor: store.list_keys("usr_someone", 10, cursor)),
    "alerts": ("alr", lambda store, cursor: store.list_alerts(limit=10, cursor=cursor)),
    "a user's alerts": ("alr", lambda store, cursor: store.list_alerts("usr_someone", limit=10, cursor=cursor)),
    "notifications": ("ntf", lambda store, cursor: store.list_notifications(limit=10, cursor=cursor)),
    "exports": ("exp", lambda store, cursor: store.list_exports(10, cursor)),
}


def test_a_cursor_no_page_of_the_listing_returned_is_refused(store: Store) -> None:
    """Read as a position, a made-up cursor would answer an arbitrary page."""
    for listing, (kind, fetch) in LISTINGS.items():
        made = new_id(kind)
        for cursor in (
            "garbage",
            "not base64!",
            made,  # an id as such is not a cursor
            encode_cursor("garbage"),
            encode_cursor(new_id("exp" if kind != "exp" else "usr")),  # another listing's
            encode_cursor(f"{kind}_"),
            encode_cursor(f"{kind}_NOT-AN-ID"),
            encode_cursor(f"{made}\n"),
            encode_cursor(made) + "==x",
        ):
            with pytest.raises(InvalidInput) as refused:
                fetch(store, cursor)
            assert refused.value.code == "invalid_cursor", (listing, cursor)
        fetch(store, encode_cursor(made))  # a well-formed position, even of no item, is fine
