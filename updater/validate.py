"""Sanity checks on fetched prices, point by point, before anything is written.

An upstream glitch (a NaN, a zero, a price off by a factor of 1000) must not reach watches or
fire alerts. Each bad point is dropped with its reason and the good ones are kept, so one
broken coin does not cost the refresh of all the others.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shared.models import PricePoint

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rejected:
    point: PricePoint
    reason: str


@dataclass(frozen=True, slots=True)
class Checked:
    accepted: list[PricePoint]
    rejected: list[Rejected]


#: A reference older than this is not compared with: after a long outage (or a real move that
#: the jump check kept out), prices are taken afresh instead of being refused forever.
REFERENCE_MAX_AGE = 86_400


def last_good(points: Iterable[PricePoint], now: int) -> dict[tuple[str, str], float]:
    """(symbol, currency) -> price of the stored points recent enough to judge a jump by."""
    return {
        (point.symbol, point.currency): point.price for point in points if point.updated_at >= now - REFERENCE_MAX_AGE
    }


def reason_to_reject(point: PricePoint, previous: float | None, max_jump: float) -> str | None:
    """Why `point` is not believable, or None. A jump is the ratio to the previous good price,
    in either direction, above `max_jump`."""
    if not math.isfinite(point.price):
        return f"price is {point.price}"
    if point.price <= 0:
        return f"price {point.price} is not positive"
    if previous is not None and previous > 0:
        ratio = max(point.price / previous, previous / point.price)
        if ratio > max_jump:
            return f"price {point.price:g} is {ratio:.3g}x the last good {previous:g} (limit {max_jump:g}x)"
    return None


def validate(points: Iterable[PricePoint], previous: Mapping[tuple[str, str], float], max_jump: float) -> Checked:
    """Split `points` into the believable ones and the rest, logging each rejection."""
    accepted: list[PricePoint] = []
    rejected: list[Rejected] = []
    for point in points:
        reason = reason_to_reject(point, previous.get((point.symbol, point.currency)), max_jump)
        if reason is None:
            accepted.append(point)
        else:
            rejected.append(Rejected(point, reason))
            log.warning("rejected %s/%s from %s: %s", point.symbol, point.currency, point.source, reason)
    return Checked(accepted, rejected)
