"""Command palette (ctrl+p): one entry for every action of every screen, found by name.

Entries come from the screens' bindings, so a new binding is a new command without listing
it twice. Choosing one switches to its screen first, then runs the action there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from companion.bindings import bindings_of

if TYPE_CHECKING:
    from companion.app import CompanionApp


@dataclass(frozen=True, slots=True)
class PaletteEntry:
    title: str
    help: str
    mode: str | None  # None: an app-wide action
    action: str


def palette_entries(app: CompanionApp) -> Iterator[PaletteEntry]:
    for key in bindings_of(type(app)):
        yield PaletteEntry(key.description, f"key {key.keys(app)}", None, key.action)
    for mode, screen in app.SECTIONS:
        for key in bindings_of(screen):
            yield PaletteEntry(
                f"{screen.TITLE}: {key.description}", f"key {key.keys(app)} on {screen.TITLE}", mode, key.action
            )


async def run_entry(app: CompanionApp, entry: PaletteEntry) -> None:
    if entry.mode is None:
        await app.run_action(entry.action)
        return
    if app.current_mode != entry.mode:
        await app.switch_mode(entry.mode)
    await app.screen.run_action(entry.action)


class CompanionCommands(Provider):
    def _commands(self) -> Iterator[tuple[PaletteEntry, Callable[[], Any]]]:
        app = cast("CompanionApp", self.app)
        for entry in palette_entries(app):
            yield entry, partial(run_entry, app, entry)

    async def discover(self) -> Hits:
        for entry, callback in self._commands():
            yield DiscoveryHit(entry.title, callback, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry, callback in self._commands():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), callback, help=entry.help)
