"""The key bindings of a screen class, read from its BINDINGS and its bases' (the same merge
Textual does), so the help screen and the command palette list exactly what the keys do."""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode


def bindings_of(node_class: type[DOMNode]) -> list[Binding]:
    """Shown bindings with a description, base classes first, later ones overriding a key."""
    found: dict[str, Binding] = {}
    for klass in reversed(node_class.__mro__):
        for binding in Binding.make_bindings(vars(klass).get("BINDINGS", ())):
            if binding.show and binding.description:
                found[binding.key] = binding
    return list(found.values())


def key_label(binding: Binding) -> str:
    return binding.key_display or binding.key
