"""The steps every updater cycle runs after writing prices, in order: evaluate alerts (which
queues notifications), then deliver the outbox. The local loop, `cryptowatch update` and the
Lambda handler all use this list, so they behave the same."""

from __future__ import annotations

from updater.alerts import evaluate_alerts
from updater.notify.outbox import OutboxDelivery
from updater.step import Step


def cycle_steps() -> list[Step]:
    return [evaluate_alerts, OutboxDelivery()]
