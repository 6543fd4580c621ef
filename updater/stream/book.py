"""Active alerts indexed for one price at a time: per (symbol, currency), each condition sorted
by target, so the alerts a price can fire are a bisection away.

The cycle checks every active alert against every price, once in five minutes. The stream sees
a price several times a second for each symbol, and 10,000 alerts on one symbol would cost a
full pass each time; here it costs a bisection plus the alerts that are actually due.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import msgspec

from shared.alerts import should_fire
from shared.models import Alert, Condition, PricePoint

Pair = tuple[str, str]  # (symbol, currency)


@dataclass(frozen=True, slots=True)
class Window:
    """The prices of one pair seen since its last evaluation: the highest (for `above`), the
    lowest (for `below`) and the widest 24 h move (for `pct_move`), so a spike that comes back
    before the next evaluation still fires what it crossed."""

    high: PricePoint
    low: PricePoint
    widest: PricePoint

    @classmethod
    def of(cls, point: PricePoint) -> Window:
        return cls(point, point, point)

    def add(self, point: PricePoint) -> Window:
        return Window(
            high=point if point.price >= self.high.price else self.high,
            low=point if point.price <= self.low.price else self.low,
            widest=point if abs(point.change_24h or 0.0) >= abs(self.widest.change_24h or 0.0) else self.widest,
        )


@dataclass(slots=True)
class _Ladder:
    """Alerts of one condition on one pair, sorted by target."""

    targets: list[float] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def up_to(self, value: float) -> list[Alert]:
        return self.alerts[: bisect.bisect_right(self.targets, value)]

    def from_(self, value: float) -> list[Alert]:
        return self.alerts[bisect.bisect_left(self.targets, value) :]


class AlertBook:
    """The active alerts as loaded at one moment. Alerts fired or found changed since are kept
    out (`settle`) until the next load, which reads them afresh from the store."""

    def __init__(self, alerts: Iterable[Alert]) -> None:
        grouped: dict[Pair, dict[Condition, list[Alert]]] = {}
        for alert in alerts:
            grouped.setdefault((alert.symbol, alert.currency), {}).setdefault(alert.condition, []).append(alert)
        self._ladders: dict[Pair, dict[Condition, _Ladder]] = {}
        for pair, conditions in grouped.items():
            for condition, members in conditions.items():
                members.sort(key=lambda a: a.target)
                ladder = _Ladder([a.target for a in members], members)
                self._ladders.setdefault(pair, {})[condition] = ladder
        self._replaced: dict[str, Alert | None] = {}
        self.size = sum(len(ladder.alerts) for sides in self._ladders.values() for ladder in sides.values())

    def pairs(self) -> set[Pair]:
        return set(self._ladders)

    def _candidates(self, pair: Pair, window: Window) -> Iterator[tuple[Alert, PricePoint]]:
        sides = self._ladders.get(pair, {})
        if ladder := sides.get(Condition.ABOVE):
            yield from ((a, window.high) for a in ladder.up_to(window.high.price))
        if ladder := sides.get(Condition.BELOW):
            yield from ((a, window.low) for a in ladder.from_(window.low.price))
        if ladder := sides.get(Condition.PCT_MOVE):
            move = abs(window.widest.change_24h) if window.widest.change_24h is not None else -1.0
            yield from ((a, window.widest) for a in ladder.up_to(move))

    def due(self, pair: Pair, window: Window, at: int) -> list[tuple[Alert, PricePoint]]:
        """The alerts that fire at `at` on this window's prices, each with the price it fires on."""
        found = []
        for alert, point in self._candidates(pair, window):
            current = self._replaced.get(alert.id, alert)
            if current is not None and should_fire(current, point, at):
                found.append((current, point))
        return found

    def settle(self, alert: Alert, at: int, fired: bool) -> None:
        """After a trigger attempt: a repeating alert this run fired stays, cooling down, as the
        store now has it; any other is left out until the next load (fired one-shot, or changed
        by someone else, whose conditional write won)."""
        if fired and alert.repeat:
            self._replaced[alert.id] = msgspec.structs.replace(
                alert, last_triggered_at=at, trigger_count=alert.trigger_count + 1
            )
        else:
            self._replaced[alert.id] = None
