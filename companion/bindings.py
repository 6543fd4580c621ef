"""The companion's key bindings of a screen or app class, read from its BINDINGS and its
bases', so the help screen and the command palette list exactly what the keys do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode


@dataclass(frozen=True, slots=True)
class KeyAction:
    """One action and every key bound to it (`?` and `f1` both open help)."""

    bindings: tuple[Binding, ...]
    description: str
    action: str

    def keys(self, app: App[Any]) -> str:
        return " ".join(app.get_key_display(binding) for binding in self.bindings)


def bindings_of(node_class: type[DOMNode]) -> list[KeyAction]:
    """Bindings declared by companion classes (not Textual's own focus and copy keys), with
    a description, shown in the footer or not; a subclass's binding of a key wins."""
    by_key: dict[str, Binding] = {}
    for klass in reversed(node_class.__mro__):
        if klass.__module__.startswith("companion."):
            for binding in Binding.make_bindings(vars(klass).get("BINDINGS", ())):
                if binding.description:
                    by_key[binding.key] = binding
    grouped: dict[tuple[str, str], list[Binding]] = {}
    for binding in by_key.values():
        grouped.setdefault((binding.action, binding.description), []).append(binding)
    return [KeyAction(tuple(group), description, action) for (action, description), group in grouped.items()]
