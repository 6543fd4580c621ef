"""/health tells a monitor whether alerts are watched live or wait for the five-minute cycle:
while the stream cannot connect, and when its process is gone without a word."""

from __future__ import annotations

from typing import Any

import httpx

from api.app import create_app
from shared.ids import now
from shared.models import STREAM_HEARTBEAT_SECONDS, StreamState, StreamStatus
from tests.stream.conftest import Harness
from tests.support.server import serve
from tests.support.stream_runner import running_stream
from tests.support.wait import wait_for
from updater.stream.runner import reconnect_delay


def stream_on_health(url: str) -> Any:
    return httpx.get(url + "/health", timeout=5).json()["stream"]


def test_health_shows_the_cycle_in_charge_while_the_stream_is_down(harness: Harness) -> None:
    harness.alert(100_000.0)
    with serve(create_app(harness.settings, harness.store)) as api:
        assert stream_on_health(api.url) is None  # never ran

        harness.fake.refuse(1_000)
        with running_stream(harness.settings, harness.store):
            wait_for(lambda: stream_on_health(api.url)["state"] == "down", what="the stream down on /health")
            assert stream_on_health(api.url)["alerts"] == "cycle"

            harness.fake.refuse(0)
            # The next try comes after the backoff the refusals so far have earned, however many
            # a slow machine let pile up before /health was read.
            backoff = reconnect_delay(harness.fake.refused, rng=lambda: 1.0)
            wait_for(lambda: stream_on_health(api.url)["state"] == "live", timeout=backoff + 10, what="live again")
            view = stream_on_health(api.url)
            assert view["alerts"] == "stream" and view["streams"] == 1 and view["connected_at"] >= now() - 10


def test_a_stream_process_that_vanished_reads_as_down(harness: Harness) -> None:
    last_words = now() - 3 * STREAM_HEARTBEAT_SECONDS - 5
    harness.store.record_stream(StreamStatus(state=StreamState.LIVE, updated_at=last_words, streams=2,
                                             connected_at=last_words - 60))
    with serve(create_app(harness.settings, harness.store)) as api:
        response = httpx.get(api.url + "/health", timeout=5)
    assert response.json()["stream"] == {
        "state": "down", "alerts": "cycle", "streams": 2, "connected_at": None, "last_message_at": None,
    }
