"""What the portfolio routes share: the owner's holdings through an in-process cache (a warm
watch poll costs no store read beyond the rate-limit count, as for prices), their valuation at
the price snapshot the price routes serve, and when that snapshot goes stale.

Holdings are cached per user for CACHE_TTL_SECONDS and dropped on this instance at every change
it makes, so an owner sees their own edit at once and other instances within that time."""

from __future__ import annotations

from api.price_bodies import max_age, refresh_due, snapshot
from api.services import Services
from api.storecall import call
from shared.ids import now
from shared.models import Holding
from shared.valuation import Valuation, value


async def holdings_of(services: Services, user_id: str) -> list[Holding]:
    cached = services.holdings.get(user_id)
    if cached is None:
        cached = await call(services.store, services.store.list_holdings, user_id)
        services.holdings[user_id] = cached
    return cached


def forget(services: Services, user_id: str) -> None:
    """After a change to the user's holdings made through this instance."""
    services.holdings.pop(user_id, None)


async def valued(services: Services, user_id: str, currency: str) -> tuple[Valuation, bool, int]:
    """(the valuation, whether a price in it is stale, seconds until the next refresh)."""
    snap = await snapshot(services)
    worth = value(await holdings_of(services, user_id), snap.prices, currency)
    at = now()
    settings = services.settings
    stale = worth.priced_at > 0 and at - worth.priced_at > settings.stale_after_seconds
    due = refresh_due(snap.status, settings.update_interval_seconds)
    return worth, stale, max_age(due, settings.update_interval_seconds, at)
