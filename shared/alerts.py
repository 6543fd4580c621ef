"""Price alerts without I/O: validating a new alert, deciding whether one fires on a price, and
writing the notification it sends. The API and the updater share these rules, and the property
tests exercise them directly."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import msgspec
import orjson

from shared.config import Settings
from shared.errors import Conflict, InvalidInput
from shared.ids import new_id
from shared.limits import (
    DEFAULT_COOLDOWN,
    MAX_COOLDOWN,
    MAX_PCT_MOVE,
    MAX_URL,
    MIN_COOLDOWN,
    SYMBOL_PATTERN,
    WEBHOOK_URL_PATTERN,
)
from shared.models import Alert, AlertStatus, Channel, Condition, Notification, PricePoint, User
from shared.users import valid_email
from shared.webhook_hosts import refusal

#: The symbol of an alert on its owner's portfolio total rather than on one coin's price: above
#: or below a value, or a move of the whole by a percentage over 24 h (`updater/portfolio_alerts`).
PORTFOLIO = "PORTFOLIO"
_SYMBOL = re.compile(SYMBOL_PATTERN)
WEBHOOK_URL = re.compile(WEBHOOK_URL_PATTERN)


class AlertSpec(msgspec.Struct, frozen=True):
    """What a client asks for; every optional part falls back to a sensible default."""

    symbol: str
    condition: Condition
    target: float
    currency: str | None = None
    channel: Channel | None = None
    destination: str | None = None
    repeat: bool | None = None
    cooldown_seconds: int | None = None


def new_alert(spec: AlertSpec, user: User, settings: Settings, at: int) -> Alert:
    """An active alert for `user`, or InvalidInput naming the field that is wrong."""
    symbol = spec.symbol.strip().upper()
    if symbol != PORTFOLIO and (not _SYMBOL.match(symbol) or symbol not in settings.supported_symbols):
        raise InvalidInput(
            f"symbol must be one of {', '.join(settings.supported_symbols)}, or {PORTFOLIO} "
            "for the owner's portfolio total",
            code="invalid_symbol",
        )
    currency = (spec.currency or settings.vs_currencies[0]).strip().lower()
    if currency not in settings.vs_currencies:
        raise InvalidInput(
            f"currency must be one of {', '.join(settings.vs_currencies)}",
            code="unsupported_currency",
        )
    channel = spec.channel or Channel.EMAIL
    cooldown = DEFAULT_COOLDOWN if spec.cooldown_seconds is None else spec.cooldown_seconds
    if not MIN_COOLDOWN <= cooldown <= MAX_COOLDOWN:
        raise InvalidInput(
            f"cooldown_seconds must be from {MIN_COOLDOWN} to {MAX_COOLDOWN}", code="invalid_field"
        )
    return Alert(
        id=new_id("alr"),
        user_id=user.id,
        symbol=symbol,
        currency=currency,
        condition=spec.condition,
        target=valid_target(spec.condition, spec.target),
        channel=channel,
        destination=valid_destination(channel, spec.destination, user, settings),
        created_at=at,
        repeat=bool(spec.repeat),
        cooldown_seconds=cooldown,
    )


def alert_limit(max_active: int) -> Conflict:
    """What a store raises for an alert past its user's cap (MAX_ALERTS_PER_USER): each active
    alert can notify on every cycle, so the cap bounds what one user adds to the outbox."""
    return Conflict(
        f"this user already has {max_active} active alerts, the most allowed "
        "(MAX_ALERTS_PER_USER); cancel one first",
        code="alert_limit",
    )


def valid_target(condition: Condition, target: float) -> float:
    if condition == Condition.PCT_MOVE:
        if not 0 < target <= MAX_PCT_MOVE:
            raise InvalidInput(
                f"target of a pct_move alert is a percentage above 0, at most {MAX_PCT_MOVE:g}",
                code="invalid_target",
            )
    elif not target > 0:
        raise InvalidInput("target must be a price above 0", code="invalid_target")
    return target


def valid_destination(
    channel: Channel, destination: str | None, user: User, settings: Settings
) -> str:
    """Email: an address (the user's own by default). Webhook: an http(s) URL to a public host
    (unless WEBHOOK_ALLOW_PRIVATE), and a secret to sign with must exist, or every delivery
    would fail later where nobody is looking (409: the request is fine, the user's setup is
    not)."""
    if channel == Channel.EMAIL:
        return user.email if destination is None else valid_email(destination)
    if destination is None:
        raise InvalidInput(
            "destination (an http or https URL) is required for a webhook alert",
            code="missing_field",
        )
    if len(destination) > MAX_URL or not WEBHOOK_URL.match(destination):
        raise InvalidInput(
            "destination must be an http or https URL like https://example.com/hook",
            code="invalid_destination",
        )
    reason = None if settings.webhook_allow_private else refusal(urlsplit(destination).hostname or "")
    if reason is not None:
        raise InvalidInput(
            f"destination must be a public host, and {reason} (WEBHOOK_ALLOW_PRIVATE=true allows it)",
            code="invalid_destination",
        )
    if not (user.webhook_secret or settings.webhook_secret):
        raise Conflict(
            "webhook alerts need a signing secret: give the user a webhook_secret "
            "or set WEBHOOK_SECRET",
            code="webhook_secret_missing",
        )
    return destination


def condition_met(condition: Condition, target: float, point: PricePoint) -> bool:
    if condition == Condition.ABOVE:
        return point.price >= target
    if condition == Condition.BELOW:
        return point.price <= target
    return point.change_24h is not None and abs(point.change_24h) >= target


def should_fire(alert: Alert, point: PricePoint, at: int) -> bool:
    """Active, on this price's symbol and currency, condition met, and (for a repeating alert
    that fired before) its cooldown over."""
    if alert.status != AlertStatus.ACTIVE or (alert.symbol, alert.currency) != (
        point.symbol,
        point.currency,
    ):
        return False
    if not condition_met(alert.condition, alert.target, point):
        return False
    return alert.last_triggered_at is None or at - alert.last_triggered_at >= alert.cooldown_seconds


def amount(value: float) -> str:
    """A price for people: eight significant digits, no float noise, no exponent
    (0.00001234, 97123.457)."""
    return format(Decimal(f"{value:.8g}").normalize(), "f")


def describe(alert: Alert, point: PricePoint) -> str:
    unit = alert.currency.upper()
    if alert.condition == Condition.PCT_MOVE:
        move = point.change_24h or 0.0
        return (
            f"{alert.symbol} moved {move:+.2f}% in 24 h (alert at {amount(alert.target)}%), "
            f"now {amount(point.price)} {unit}"
        )
    word = "above" if alert.condition == Condition.ABOVE else "below"
    return (
        f"{alert.symbol} is {word} {amount(alert.target)} {unit}: now {amount(point.price)} {unit}"
    )


def email_text(alert: Alert, point: PricePoint, subject: str) -> str:
    unit = alert.currency.upper()
    target_unit = "%" if alert.condition == Condition.PCT_MOVE else f" {unit}"
    lines = [
        subject,
        "",
        f"Symbol:    {alert.symbol}",
        f"Condition: {alert.condition.value} {amount(alert.target)}{target_unit}",
        f"Price:     {amount(point.price)} {unit} (source: {point.source})",
        f"Alert:     {alert.id}",
    ]
    if alert.repeat:
        lines.append(f"This alert repeats, at most once every {alert.cooldown_seconds} s.")
    return "\n".join(lines) + "\n"


def notification_for(alert: Alert, point: PricePoint, at: int) -> Notification:
    """The outbox record for one trigger. Email bodies are text; webhook bodies are the exact
    JSON document that is posted (and signed), fixed at trigger time."""
    subject = describe(alert, point)
    if alert.channel == Channel.WEBHOOK:
        body = orjson.dumps(
            {
                "event": "alert.triggered",
                "alert_id": alert.id,
                "user_id": alert.user_id,
                "symbol": alert.symbol,
                "currency": alert.currency,
                "condition": alert.condition.value,
                "target": alert.target,
                "price": point.price,
                "change_24h": point.change_24h,
                "price_at": point.updated_at,
                "triggered_at": at,
                "message": subject,
            }
        ).decode()
    else:
        body = email_text(alert, point, subject)
    return Notification(
        id=new_id("ntf"),
        alert_id=alert.id,
        user_id=alert.user_id,
        channel=alert.channel,
        destination=alert.destination,
        subject=subject,
        body=body,
        created_at=at,
        next_attempt_at=at,
    )
