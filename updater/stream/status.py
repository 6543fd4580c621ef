"""The stream process's state and counters, and the task that writes them to the store: on every
change of state and at least every STREAM_HEARTBEAT_SECONDS, so /health can tell a stream that
is down, or a process that is gone, from one that is live."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from shared.ids import now
from shared.models import STREAM_HEARTBEAT_SECONDS, StreamState, StreamStatus
from shared.store.base import Store

log = logging.getLogger(__name__)

MAX_ERROR = 300


class StatusBoard:
    def __init__(self) -> None:
        self.state = StreamState.CONNECTING
        self.streams = 0
        self.connected_at: int | None = None
        self.last_message_at: int | None = None
        self.reconnects = 0
        self.messages = 0
        self.rejected = 0
        self.triggered = 0
        self.error: str | None = None
        self.changed = asyncio.Event()

    def move(self, state: StreamState, error: str | None = None) -> None:
        """A new state; `error` says why it is not live (kept until the next live state)."""
        self.state = state
        if state == StreamState.LIVE:
            self.connected_at, self.error = now(), None
        elif state != StreamState.STOPPED:
            self.connected_at = None
        if error is not None:
            self.error = error[:MAX_ERROR]
        self.changed.set()

    def reject(self, reason: str) -> None:
        self.rejected += 1
        self.error = reason[:MAX_ERROR]

    def snapshot(self) -> StreamStatus:
        return StreamStatus(
            state=self.state,
            updated_at=now(),
            streams=self.streams,
            connected_at=self.connected_at,
            last_message_at=self.last_message_at,
            reconnects=self.reconnects,
            messages=self.messages,
            rejected=self.rejected,
            triggered=self.triggered,
            error=self.error,
        )

    async def write(self, store: Store) -> None:
        try:
            await asyncio.to_thread(store.record_stream, self.snapshot())
        except Exception as error:  # noqa: BLE001 - a status write must not stop the stream
            log.warning("stream: writing the status failed: %s", error)

    async def keep_writing(self, store: Store) -> None:
        """Write now, then on each change and every heartbeat, until cancelled."""
        while True:
            self.changed.clear()
            await self.write(store)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), STREAM_HEARTBEAT_SECONDS)
