"""The alert evaluation step of the updater cycle.

Every active alert whose condition holds on the prices just written fires once: the trigger
and its outbox record are one conditional store write (`Store.trigger_alert`), so when two
cycles overlap, only one of them wins and only one notification exists."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from shared.alerts import notification_for, should_fire
from shared.config import Settings
from shared.models import Alert, PricePoint
from shared.store.base import Store

log = logging.getLogger(__name__)


def fire_due_alerts(store: Store, prices: Sequence[PricePoint], at: int) -> int:
    """Trigger every active alert whose condition holds on `prices`; how many fired here."""
    if not prices:
        return 0
    latest = {(p.symbol, p.currency): p for p in prices}
    fired = 0
    for alert in store.active_alerts():
        point = latest.get((alert.symbol, alert.currency))
        if point is not None and should_fire(alert, point, at) and fire_alert(store, alert, point, at):
            fired += 1
    return fired


def fire_alert(store: Store, alert: Alert, point: PricePoint, at: int) -> bool:
    """Trigger `alert` on `point` with its outbox record, in one conditional write; False when
    another run (the cycle, or the live stream) got there first. Both the cycle and the stream
    fire through here, so they never notify twice."""
    if not store.trigger_alert(alert, at, notification_for(alert, point, at)):
        return False
    log.info("alert %s fired: %s %s %s at %s (%s)", alert.id, alert.symbol, alert.condition.value, alert.target,
             point.price, point.source)
    return True


async def evaluate_alerts(store: Store, settings: Settings, prices: list[PricePoint], now: int) -> None:
    """Cycle step: evaluate alerts on this cycle's prices (none when the cycle failed)."""
    fire_due_alerts(store, prices, now)
