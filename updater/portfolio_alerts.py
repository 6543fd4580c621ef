"""Portfolio alerts, judged in the alert step of the updater cycle: alerts whose symbol is
PORTFOLIO watch their owner's total (above or below a value, or a 24 h move of the whole by a percentage).

Each owner's holdings are valued at the latest prices, coins and stocks alike (so it runs after
the stock step), and the total is judged by the same rules and fired through the same atomic
trigger + outbox write as a price alert: overlapping cycles notify once."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from shared.alerts import PORTFOLIO, notification_for, should_fire
from shared.models import Alert, Holding, PricePoint
from shared.store.base import Store
from shared.valuation import value

log = logging.getLogger(__name__)

#: The source a portfolio total is shown with in a notification.
SOURCE = "portfolio"


def fire_portfolio_alerts(store: Store, at: int, active: Sequence[Alert] | None = None) -> int:
    """Trigger every active portfolio alert (among `active`, read from the store when not given)
    whose condition holds now; how many fired here. Judged even when the crypto fetch failed:
    stocks may have moved, and the last good coin prices still stand."""
    alerts = [alert for alert in (store.active_alerts() if active is None else active) if alert.symbol == PORTFOLIO]
    if not alerts:
        return 0
    latest = {(p.symbol, p.currency): p for p in store.latest_prices()}
    holdings_of: dict[str, list[Holding]] = {}
    fired = 0
    for alert in alerts:
        if alert.user_id not in holdings_of:
            holdings_of[alert.user_id] = store.list_holdings(alert.user_id)
        worth = value(holdings_of[alert.user_id], latest, alert.currency)
        if worth.priced_at == 0:  # nothing priced: no total to judge
            continue
        total = PricePoint(PORTFOLIO, alert.currency, float(worth.total), worth.change_24h, worth.priced_at, SOURCE)
        if should_fire(alert, total, at) and store.trigger_alert(alert, at, notification_for(alert, total, at)):
            fired += 1
            log.info("portfolio alert %s fired: %s %s", alert.id, alert.condition.value, alert.target)
    return fired

