"""Lifecycle: init is idempotent and keeps data; ping answers on a working store."""

from __future__ import annotations

from shared.store.base import Store
from tests.contract import builders


def test_init_again_keeps_everything(store: Store) -> None:
    ada = store.create_user(builders.user())

    store.init()
    store.init()

    assert store.get_user(ada.id) == ada


def test_a_working_store_answers_ping(store: Store) -> None:
    store.ping()

