"""Alert evaluation on live prices, coalesced: ticks of one pair gather in a window, and windows
are evaluated in rounds at most `per_second` times a second, so a busy symbol costs a few
evaluations a second however fast its ticks come, and a quiet one is evaluated on its first tick.

Firing goes through `updater.alerts.fire_alert`, the cycle's own conditional trigger-plus-outbox
write: whichever of the stream and the cycle writes first notifies, the other finds the alert
changed and writes nothing. Store calls run in a worker thread, off the loop that reads the
connection. A round the store could not take is put back and tried again in the next one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from shared.ids import now
from shared.models import PricePoint
from shared.store.base import Store
from updater.alerts import fire_alert
from updater.stream.book import AlertBook, Pair, Window

log = logging.getLogger(__name__)


class Evaluator:
    def __init__(
        self, store: Store, *, per_second: float, on_fired: Callable[[int], None], clock: Callable[[], int] = now
    ) -> None:
        self.store = store
        self.book = AlertBook(())
        self.interval = 1.0 / per_second
        self.on_fired = on_fired
        self.clock = clock
        self._pending: dict[Pair, Window] = {}
        self._ready = asyncio.Event()

    def offer(self, point: PricePoint) -> None:
        """Take a validated price; it is evaluated in the next round."""
        pair = (point.symbol, point.currency)
        window = self._pending.get(pair)
        self._pending[pair] = Window.of(point) if window is None else window.add(point)
        self._ready.set()

    def evaluate(self, batch: dict[Pair, Window], at: int) -> int:
        """Fire what is due on `batch`; how many fired here."""
        book, fired = self.book, 0
        for pair, window in batch.items():
            for alert, point in book.due(pair, window, at):
                won = fire_alert(self.store, alert, point, at)
                book.settle(alert, at, won)
                fired += won
        return fired

    def _put_back(self, batch: dict[Pair, Window]) -> None:
        for pair, window in batch.items():
            later = self._pending.get(pair)
            merged = window
            if later is not None:
                merged = window.add(later.high).add(later.low).add(later.widest)
            self._pending[pair] = merged

    async def run(self) -> None:
        """Evaluate rounds until cancelled."""
        while True:
            await self._ready.wait()
            started = time.monotonic()
            self._ready.clear()
            batch, self._pending = self._pending, {}
            try:
                fired = await asyncio.to_thread(self.evaluate, batch, self.clock())
            except Exception:  # noqa: BLE001 - the store is down: keep the prices for the next round
                log.exception("stream: evaluating %d pairs failed; trying again", len(batch))
                self._put_back(batch)
                self._ready.set()
            else:
                if fired:
                    self.on_fired(fired)
            await asyncio.sleep(max(0.0, self.interval - (time.monotonic() - started)))
