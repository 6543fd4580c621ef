"""The outbox delivery step of the updater cycle.

Each due record is claimed with a lease before it is sent (`Store.claim_notification`: of two
overlapping runs, exactly one wins it), then marked sent, or failed with the next attempt
`backoff` later. After NOTIFICATION_MAX_ATTEMPTS tries it is marked failed and kept, visible
at GET /admin/notifications?status=failed. A sender that dies mid-way leaves the record
pending; it is retried once the lease has run out. A record whose user was deleted is marked
failed, unsent (a cancelled alert's is still sent: the trigger happened).

Nothing here can hold up the next price refresh (the prices and the cycle's status are written
before this step runs):
- every delivery has an overall deadline (`delivery_deadline`), however slowly its
  receiver answers; one that runs out is a failed attempt, retried with backoff, and the rest
  of that destination's records wait for the next run untouched: a stalled receiver costs a
  run one deadline, however many records it has;
- a run stops claiming after `budget_seconds` (at most a third of the update interval), so a run
  ends within its budget plus one deadline; what is left goes out on the next cycle;
- records are taken in the store's fair order (users in turn) by `concurrency` workers, so one
  user's many alerts or slow receiver do not make another user's notification wait.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from shared.config import Settings
from shared.ids import now as wall_clock
from shared.models import Channel, Notification, PricePoint
from shared.store.base import Store
from updater.notify.base import DeliveryError, Sender, Undeliverable
from updater.notify.smtp import EmailSender
from updater.notify.webhook import WebhookSender

log = logging.getLogger(__name__)

MAX_ERROR = 500
USER_DELETED = "not sent: the user was deleted"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds before retry n (1-based): base, 2 base, 4 base, ... capped."""

    base_seconds: int = 60
    max_seconds: int = 6 * 3600

    def delay(self, failures: int) -> int:
        return int(min(self.max_seconds, self.base_seconds * 2 ** max(0, failures - 1)))


class OutboxDelivery:
    """A cycle step (store, settings, prices, now). `senders` replaces the real channels and
    `clock` the wall clock, for tests; `lease_seconds` outlasts a delivery's deadline."""

    def __init__(
        self,
        *,
        backoff: Backoff = Backoff(),
        lease_seconds: int = 300,
        batch: int = 100,
        budget_seconds: float = 60.0,
        concurrency: int = 4,
        senders: Mapping[Channel, Sender] | None = None,
        clock: Callable[[], int] = wall_clock,
    ) -> None:
        self.backoff = backoff
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.budget_seconds = budget_seconds
        self.concurrency = concurrency
        self.senders = senders
        self.clock = clock

    async def __call__(self, store: Store, settings: Settings, prices: list[PricePoint], now: int) -> None:
        await self.deliver(store, settings, now)

    async def deliver(self, store: Store, settings: Settings, now: int) -> int:
        """Send what is due at `now`; returns how many were sent by this run."""
        due = store.due_notifications(now, limit=self.batch)
        if not due:
            return 0
        if self.senders is not None:
            return await self._deliver_all(store, settings, due, now, self.senders)
        timeout = httpx.Timeout(delivery_deadline(settings))
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            senders = {
                Channel.EMAIL: EmailSender(settings),
                Channel.WEBHOOK: WebhookSender(settings, client),
            }
            return await self._deliver_all(store, settings, due, now, senders)

    async def _deliver_all(
        self,
        store: Store,
        settings: Settings,
        due: list[Notification],
        now: int,
        senders: Mapping[Channel, Sender],
    ) -> int:
        """Workers take the records in the order given until the budget is spent; one
        destination gets one request at a time, and none more in this run once one of its
        deliveries ran out of time (the rest stay due, unclaimed and uncounted)."""
        budget = min(self.budget_seconds, settings.update_interval_seconds / 3)
        stop_claiming = time.monotonic() + budget
        queue = iter(due)
        turns: dict[str, asyncio.Lock] = {}
        stalled: set[str] = set()
        sent = 0

        async def worker() -> None:
            nonlocal sent
            for notification in queue:
                async with turns.setdefault(notification.destination, asyncio.Lock()):
                    if time.monotonic() >= stop_claiming:
                        log.info("outbox: time budget spent; the rest waits for the next cycle")
                        return
                    if notification.destination in stalled:
                        continue
                    delivered = await self._deliver_one(store, settings, notification, now, senders, stalled)
                sent += delivered  # not `sent += await ...`: that reads `sent` before the await

        async with asyncio.TaskGroup() as group:
            for _ in range(min(self.concurrency, len(due))):
                group.create_task(worker())
        return sent

    async def _deliver_one(
        self,
        store: Store,
        settings: Settings,
        notification: Notification,
        now: int,
        senders: Mapping[Channel, Sender],
        stalled: set[str],
    ) -> bool:
        """Claim, send and record one; a destination that ran out of time joins `stalled`."""
        claimed_at = max(now, self.clock())
        if not store.claim_notification(notification.id, claimed_at, claimed_at + self.lease_seconds):
            return False  # another run has it
        user = store.get_user(notification.user_id)
        if user is None:
            store.fail_notification(notification.id, USER_DELETED, None)
            log.info("notification %s not sent: its user was deleted", notification.id)
            return False
        deadline = delivery_deadline(settings)
        try:
            async with asyncio.timeout(deadline):
                await senders[notification.channel].send(notification, user)
        except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
            if isinstance(error, TimeoutError):
                stalled.add(notification.destination)
            reason = _reason(error, notification.channel, deadline)
            failures = notification.attempts + 1
            final = isinstance(error, Undeliverable) or failures >= settings.notification_max_attempts
            retry_at = None if final else claimed_at + self.backoff.delay(failures)
            store.fail_notification(notification.id, reason[:MAX_ERROR], retry_at)
            log.warning(
                "notification %s attempt %d failed (%s); %s",
                notification.id,
                failures,
                reason,
                "given up" if retry_at is None else f"retry at {retry_at}",
            )
            return False
        store.complete_notification(notification.id, max(now, self.clock()))
        log.info("notification %s sent by %s", notification.id, notification.channel.value)
        return True


def delivery_deadline(settings: Settings) -> float:
    """NOTIFICATION_DEADLINE_SECONDS, but at most a third of the update interval: with the
    claiming budget (another third at most) a run always ends before the next tick."""
    return min(settings.notification_deadline_seconds, settings.update_interval_seconds / 3)


def _reason(error: Exception, channel: Channel, deadline: float) -> str:
    if isinstance(error, TimeoutError):
        return f"{channel.value}: no complete answer within {deadline:g} s (NOTIFICATION_DEADLINE_SECONDS)"
    return str(error) if isinstance(error, DeliveryError) else f"{type(error).__name__}: {error}"
