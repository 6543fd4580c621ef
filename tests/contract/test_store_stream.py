"""The live stream's status record: one per store, replaced whole, read back with its enum."""

from __future__ import annotations

from shared.models import StreamState, StreamStatus
from shared.store.base import Store
from tests.contract.builders import NOW


def test_no_stream_status_until_one_is_recorded(store: Store) -> None:
    assert store.stream_status() is None


def test_the_latest_stream_status_replaces_the_last(store: Store) -> None:
    live = StreamStatus(
        state=StreamState.LIVE, updated_at=NOW, streams=3, connected_at=NOW - 60,
        last_message_at=NOW, reconnects=2, messages=1234, rejected=5, triggered=1,
    )
    store.record_stream(StreamStatus(state=StreamState.CONNECTING, updated_at=NOW - 60, error="refused"))
    store.record_stream(live)

    found = store.stream_status()
    assert found == live
    assert found is not None and isinstance(found.state, StreamState)

