"""The stream process: keeps one Binance connection subscribed to the pairs that have active
alerts and feeds their prices to the evaluator, whatever the network does.

- A dropped or refused connection is retried after a backoff with jitter (RECONNECT_BASE
  seconds, doubling per failure to RECONNECT_CAP, each delay drawn from its upper half), reset
  once a connection has delivered prices.
- A connection that says nothing for STREAM_SILENCE_SECONDS is closed and replaced.
- Before Binance's 24-hour cut (STREAM_RENEW_SECONDS), or when the server announces a shutdown,
  a new connection is opened and subscribed before the old one is closed; the old one's
  messages are read meanwhile.
- Every STREAM_REFRESH_SECONDS the active alerts are reloaded; a changed set of pairs is
  subscribed and unsubscribed on the open connection.
- A trigger wakes the outbox delivery at once.
While the stream is down, alerts are still evaluated by the five-minute cycle; the status record
says which is in charge.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterable

from websockets.exceptions import ConnectionClosed, WebSocketException

from shared.config import Settings
from shared.ids import now
from shared.models import Alert, PricePoint, StreamState
from shared.store.base import Store
from updater.notify.outbox import OutboxDelivery
from updater.sources.binance import binance_pairs
from updater.stream import wire
from updater.stream.book import AlertBook, Pair
from updater.stream.evaluator import Evaluator
from updater.stream.link import Link
from updater.stream.status import StatusBoard
from updater.validate import REFERENCE_MAX_AGE, reason_to_reject

log = logging.getLogger(__name__)

SOURCE = "binance stream"
RECONNECT_BASE = 1.0
RECONNECT_CAP = 60.0
#: After a failed renewal, the old connection is kept and renewal tried again this much later.
RENEW_RETRY = 60.0
#: Malformed or rejected messages logged per connection; the rest are only counted.
LOGGED_REJECTIONS = 5
CONNECT_ERRORS = (OSError, TimeoutError, WebSocketException)


def reconnect_delay(failures: int, rng: Callable[[], float], base: float = RECONNECT_BASE,
                    cap: float = RECONNECT_CAP) -> float:
    """Seconds before attempt `failures` + 1: half the capped exponential step, plus a random
    share of the other half, so many clients dropped at once do not return at once."""
    step = min(cap, base * 2 ** max(0, failures - 1))
    return step / 2 + rng() * step / 2


def wanted_pairs(pairs: Iterable[Pair]) -> dict[str, Pair]:
    """Binance pair -> (symbol, currency) for the pairs Binance has."""
    by_currency: dict[str, set[str]] = {}
    for symbol, currency in pairs:
        by_currency.setdefault(currency, set()).add(symbol)
    return {pair: ours for currency, symbols in by_currency.items() for pair, ours in
            binance_pairs(sorted(symbols), currency).items()}


class StreamRunner:
    def __init__(self, settings: Settings, store: Store, *, rng: Callable[[], float] = random.random,
                 outbox: OutboxDelivery | None = None) -> None:
        self.settings = settings
        self.store = store
        self.board = StatusBoard()
        self.evaluator = Evaluator(store, per_second=settings.stream_evaluations_per_second, on_fired=self._fired)
        self.wanted: dict[str, Pair] = {}
        self.link: Link | None = None
        self._reference: dict[Pair, PricePoint] = {}
        self._rng = rng
        self._outbox = outbox or OutboxDelivery()
        self._alerts_changed = asyncio.Event()
        self._deliver = asyncio.Event()
        self._logged = 0

    # --- the whole process ------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set; the status record then says stopped."""
        await self.reload()
        tasks = [
            asyncio.create_task(work, name=f"stream-{name}")
            for name, work in (
                ("status", self.board.keep_writing(self.store)),
                ("refresh", self._keep_reloading()),
                ("evaluate", self.evaluator.run()),
                ("deliver", self._keep_delivering()),
                ("connect", self._keep_connected()),
            )
        ]
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.link is not None:
                await self.link.close()
            self.board.move(StreamState.STOPPED)
            await self.board.write(self.store)

    # --- alerts -------------------------------------------------------------------------------
    def _load(self) -> tuple[list[Alert], list[PricePoint]]:
        return self.store.active_alerts(), self.store.latest_prices()

    async def reload(self) -> None:
        """Read the active alerts (and the stored prices that judge a jump); subscribe to what
        they need now."""
        try:
            alerts, latest = await asyncio.to_thread(self._load)
        except Exception as error:  # noqa: BLE001 - keep the alerts we have; try again later
            log.warning("stream: reading the active alerts failed: %s", error)
            self.board.error = f"store: {type(error).__name__}: {error}"
            return
        book = AlertBook(alerts)
        self.evaluator.book = book
        for point in latest:
            pair = (point.symbol, point.currency)
            mine = self._reference.get(pair)
            if mine is None or point.updated_at > mine.updated_at:
                self._reference[pair] = point
        wanted = wanted_pairs(book.pairs())
        if wanted == self.wanted:
            return
        log.info("stream: %d active alerts on %d Binance pairs", book.size, len(wanted))
        self.wanted = wanted
        self.board.streams = len(wanted)
        self._alerts_changed.set()
        if self.link is not None and not wanted:
            await self.link.close()  # nothing left to watch: idle until an alert appears
        elif self.link is not None:
            with contextlib.suppress(*CONNECT_ERRORS):  # a dead link is the pump's to notice
                await self.link.sync(self._names())

    def _names(self) -> set[str]:
        return {wire.stream_name(pair) for pair in self.wanted}

    async def _keep_reloading(self) -> None:
        while True:
            await asyncio.sleep(self.settings.stream_refresh_seconds)
            await self.reload()

    # --- triggers and delivery ------------------------------------------------------------------
    def _fired(self, count: int) -> None:
        self.board.triggered += count
        self._deliver.set()

    async def _keep_delivering(self) -> None:
        """Deliver the outbox whenever a trigger asks, in its own thread and event loop: a slow
        mail server or store call then never holds up the reading of the connection."""
        while True:
            await self._deliver.wait()
            self._deliver.clear()
            try:
                await asyncio.to_thread(asyncio.run, self._outbox.deliver(self.store, self.settings, now()))
            except Exception:  # noqa: BLE001 - what is left is delivered by the next cycle
                log.exception("stream: outbox delivery failed")

    # --- the connection -------------------------------------------------------------------------
    async def _keep_connected(self) -> None:
        failures = 0
        while True:
            if not self.wanted:
                self._alerts_changed.clear()
                self.board.move(StreamState.IDLE)
                await self._alerts_changed.wait()
                continue
            self.board.move(StreamState.CONNECTING)
            try:
                link = await Link.open(self.settings.binance_ws_url, self._names())
            except CONNECT_ERRORS as error:
                failures += 1
                await self._down(f"connect: {describe(error)}", failures)
                continue
            self.board.move(StreamState.LIVE)
            messages = self.board.messages
            ended: Link | str | None = link
            while isinstance(ended, Link):
                self.link = ended
                with contextlib.suppress(*CONNECT_ERRORS):  # alerts changed while it was opened
                    await ended.sync(self._names())
                ended = await self._pump(ended)
            self.link = None
            if ended is None:
                failures = 0
                continue
            self.board.reconnects += 1
            failures = 1 if self.board.messages > messages else failures + 1
            await self._down(ended, failures)

    async def _down(self, reason: str, failures: int) -> None:
        delay = reconnect_delay(failures, self._rng)
        log.warning("stream: %s; reconnecting in %.1f s (alerts meanwhile wait for the cycle)", reason, delay)
        self.board.move(StreamState.DOWN, reason)
        await asyncio.sleep(delay)

    async def _pump(self, link: Link) -> Link | str | None:
        """Read `link` until it is replaced by a renewed one (returned), fails (why), or was
        closed because no alert is left to watch (None)."""
        renew_at = link.opened + self.settings.stream_renew_seconds
        silence = self.settings.stream_silence_seconds
        self._logged = 0
        while True:
            if time.monotonic() >= renew_at:
                successor = await self._renew(link)
                if successor is not None:
                    return successor
                renew_at = time.monotonic() + RENEW_RETRY
            try:
                raw = await asyncio.wait_for(link.ws.recv(), min(silence, max(0.0, renew_at - time.monotonic())))
            except TimeoutError:
                if time.monotonic() < renew_at:
                    await link.close()
                    return f"no message for {silence:g} s"
                continue
            except ConnectionClosed as error:
                return None if not self.wanted else describe(error)
            if isinstance(self.handle(raw), wire.Shutdown):
                renew_at = 0.0

    async def _renew(self, old: Link) -> Link | None:
        """A new subscribed connection, opened while the old one is still read; the old one is
        closed once the new one is up. None (and the old one kept) when it cannot be opened."""

        async def drain() -> None:
            with contextlib.suppress(ConnectionClosed):
                async for raw in old.ws:
                    self.handle(raw)

        reading = asyncio.create_task(drain())
        try:
            fresh = await Link.open(self.settings.binance_ws_url, self._names())
        except CONNECT_ERRORS as error:
            log.warning("stream: renewing the connection failed (%s); keeping the old one", describe(error))
            return None
        finally:
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)
        await old.close()
        log.info("stream: connection renewed")
        return fresh

    # --- one message ----------------------------------------------------------------------------
    def _reject(self, reason: str) -> None:
        self.board.reject(reason)
        if self._logged < LOGGED_REJECTIONS:
            self._logged += 1
            log.warning("stream: dropped a message: %s", reason)

    def handle(self, raw: str | bytes) -> wire.Message | None:
        """Count, decode, validate and offer one message; returns what it was (None: dropped)."""
        self.board.messages += 1
        self.board.last_message_at = now()
        try:
            message = wire.decode(raw)
        except wire.Malformed as error:
            self._reject(f"malformed: {error}")
            return None
        if isinstance(message, wire.Reply) and message.error is not None:
            self._reject(f"request {message.id} refused: {message.error}")
        elif isinstance(message, wire.Tick):
            pair = self.wanted.get(message.pair)
            if pair is None:
                return message  # a stream just unsubscribed, or one we never asked for
            point = PricePoint(
                symbol=pair[0], currency=pair[1], price=message.price, change_24h=message.change_24h,
                updated_at=message.at_ms // 1000, source=SOURCE,
            )
            previous = self._reference.get(pair)
            fresh = previous is not None and previous.updated_at >= point.updated_at - REFERENCE_MAX_AGE
            reason = reason_to_reject(point, previous.price if fresh and previous else None,
                                      self.settings.max_price_jump)
            if reason is not None:
                self._reject(f"{message.pair}: {reason}")
                return None
            self._reference[pair] = point
            self.evaluator.offer(point)
        return message


def describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
