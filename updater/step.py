"""What a further step of a refresh cycle is, in a module of its own: the cycle runs steps and
`updater.steps` lists them, and both import this one (not each other)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from shared.config import Settings
from shared.models import PricePoint
from shared.store.base import Store

#: A further step of the cycle: (store, settings, the prices just written - empty when the
#: cycle failed -, the cycle's start time in epoch seconds).
Step = Callable[[Store, Settings, list[PricePoint], int], Awaitable[None]]
