"""Service health in one line: is the server up, how old are the prices, did the last update
work. Ages are computed from the update time and the app's clock, not taken from the server,
so they keep counting between polls."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from companion import format
from companion.errors import CompanionError, Unreachable
from shared.shapes.health import Health


def describe(health: Health, now: float) -> tuple[str, str]:
    """(state, sentence) for a /health body; state is ok, stale or unavailable."""
    state = health.status
    if health.store == "unreachable":
        return "unavailable", "store unreachable: the server cannot read its data"
    update = health.last_update
    stale_after = format.duration(health.stale_after_seconds)
    success = update.last_success_at if update else None
    parts = [
        f"prices {format.duration(max(0, now - success))} old (stale after {stale_after})"
        if success
        else "no prices yet: the updater has not run"
    ]
    if update and not update.ok:
        parts.append(f"last update failed: {update.error or 'unknown error'}")
    elif update:
        parts.append(f"updated from {update.source}, {update.symbols_updated} symbols")
    parts.append(f"server {health.version}")
    return state, " · ".join(parts)


class HealthBar(Static):
    DEFAULT_CSS = """
    HealthBar { height: auto; padding: 0 1; background: $boost; }
    HealthBar.-ok { color: $text-success; }
    HealthBar.-stale { color: $text-warning; }
    HealthBar.-unavailable, HealthBar.-unreachable, HealthBar.-failed { color: $text-error; }
    """

    state = "checking"

    def on_mount(self) -> None:
        self._set("checking", "checking the server…")

    def _set(self, state: str, text: str) -> None:
        self.state = state
        self.set_classes(f"-{state}")
        self.update(Content(f"● {state} · {text}"))

    def show(self, health: Health, now: float) -> None:
        self._set(*describe(health, now))

    def show_failure(self, error: CompanionError) -> None:
        """No health report: nothing answers (unreachable), or what answers is not a working
        cryptowatch (failed: an error status, a proxy's page, another web service)."""
        self._set("unreachable" if isinstance(error, Unreachable) else "failed", error.message)
