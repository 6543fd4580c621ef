"""One typed configuration object, read from the environment and validated at start-up.

A bad value stops the process with a message naming the variable and what it accepts, rather
than surfacing later as a confusing failure in the middle of a request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from shared.errors import ConfigError
from shared.limits import MAX_RATE_LIMIT, SYMBOL_PATTERN
from shared.symbols import parse_overrides

T = TypeVar("T")

DEFAULT_SYMBOLS = ("BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "DOT", "LTC", "LINK", "AVAX")
COINGECKO_DEMO_ROOT = "https://api.coingecko.com/api/v3"
COINGECKO_PRO_ROOT = "https://pro-api.coingecko.com/api/v3"
#: What PRICE_SOURCE and `--source` accept: CoinGecko with Binance as fallback, Binance alone, or
#: the offline simulation.
PRICE_SOURCES = ("coingecko", "binance", "demo")
DEFAULT_BINANCE_WS_URL = "wss://stream.binance.com:9443/stream"
_SYMBOL = re.compile(r"^[A-Z0-9]{1,12}$")
_STOCK_SYMBOL = re.compile(SYMBOL_PATTERN)
YAHOO_ROOT = "https://query1.finance.yahoo.com"
STOOQ_ROOT = "https://stooq.com"
_CURRENCY = re.compile(r"^[a-z]{3,5}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: A browser origin (scheme, host, optional port; no path), or `*` for any.
_ORIGIN = re.compile(r"^(\*|https?://[a-z0-9.-]+(:[0-9]{1,5})?)$")


@dataclass(frozen=True, slots=True)
class Settings:
    environment: str = "local"
    data_dir: Path = Path("data")
    sqlite_path: Path = Path("data/cryptowatch.db")
    dynamodb_table_name: str | None = None
    dynamodb_endpoint_url: str | None = None
    aws_region: str = "us-east-1"
    rate_limit_per_minute: int = 100
    cache_ttl_seconds: int = 30
    key_cache_ttl_seconds: int = 30
    supported_symbols: tuple[str, ...] = DEFAULT_SYMBOLS
    #: SYMBOL_IDS as (symbol, CoinGecko id) pairs: a tuple, so the settings stay immutable.
    symbol_ids: tuple[tuple[str, str], ...] = ()
    vs_currencies: tuple[str, ...] = ("usd",)
    price_source: str = "coingecko"
    external_api_url: str = COINGECKO_DEMO_ROOT
    external_api_key: str | None = field(default=None, repr=False)
    coingecko_plan: str = "demo"
    binance_api_url: str = "https://api.binance.com"
    #: Stocks priced on every cycle besides those held in portfolios.
    stock_symbols: tuple[str, ...] = ()
    stock_api_url: str = YAHOO_ROOT
    #: Stooq's root, for the stocks Yahoo fails on or refuses (US listings only).
    stock_fallback_api_url: str = STOOQ_ROOT
    #: Stocks priced per cycle, one upstream call each (the least recently priced first).
    stock_max_symbols: int = 100
    #: The live alert stream (`cryptowatch stream`): Binance's combined-stream endpoint, how often
    #: the set of active alerts is reloaded, how long a connection may stay silent, when it is
    #: renewed ahead of Binance's 24-hour cut, and how often one symbol may be evaluated.
    binance_ws_url: str = DEFAULT_BINANCE_WS_URL
    stream_refresh_seconds: float = 10.0
    stream_silence_seconds: float = 60.0
    stream_renew_seconds: int = 23 * 3600
    stream_evaluations_per_second: float = 4.0
    upstream_timeout_seconds: float = 10.0
    update_interval_seconds: int = 300
    history_retention_days: int = 30
    max_price_jump: float = 10.0
    max_body_bytes: int = 16_384
    max_symbols_per_request: int = 25
    max_header_bytes: int = 16_384
    request_timeout_seconds: float = 5.0
    max_connections: int = 512
    auth_failures_per_minute: int = 30
    #: Where people reach the service: the links in account mail and the watch's pairing page.
    public_url: str = "http://127.0.0.1:8000"
    #: Whether anyone may sign up (`open`) or only the operator makes users (`closed`).
    registration: str = "open"
    session_ttl_seconds: int = 14 * 86_400
    #: Failed logins allowed per account and, separately, per client address in a minute.
    login_failures_per_minute: int = 5
    access_log: bool = False
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str = "cryptowatch@localhost"
    smtp_starttls: bool = True
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_allow_private: bool = False
    notification_max_attempts: int = 8
    notification_deadline_seconds: float = 10.0
    max_alerts_per_user: int = 25
    export_bucket: str | None = None
    log_level: str = "INFO"
    #: Origins whose browser pages may call the API (CORS); empty: none, the default.
    cors_origins: tuple[str, ...] = ()

    @property
    def stale_after_seconds(self) -> int:
        """Data older than two refresh cycles is stale."""
        return 2 * self.update_interval_seconds

    @property
    def history_retention_seconds(self) -> int:
        return self.history_retention_days * 86_400

    @property
    def admin_key_file(self) -> Path:
        """Where the local run leaves the first admin key for the companion (mode 0600)."""
        return self.data_dir / "admin.key"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build from environment variables; raises ConfigError naming the bad variable."""
        env = os.environ if env is None else env
        read = _Reader(env)
        data_dir = Path(read.text("CRYPTOWATCH_DATA_DIR", "data"))
        plan = read.choice("COINGECKO_PLAN", "demo", ("demo", "pro"))
        default_root = COINGECKO_PRO_ROOT if plan == "pro" else COINGECKO_DEMO_ROOT
        key_cache_ttl = read.integer("KEY_CACHE_TTL_SECONDS", 30, low=0, high=30)
        supported = read.items("SUPPORTED_SYMBOLS", DEFAULT_SYMBOLS, str.upper, _SYMBOL)
        return cls(
            environment=read.text("ENVIRONMENT", "local"),
            data_dir=data_dir,
            sqlite_path=Path(read.text("SQLITE_PATH", str(data_dir / "cryptowatch.db"))),
            dynamodb_table_name=read.optional("DYNAMODB_TABLE_NAME"),
            dynamodb_endpoint_url=read.optional("AWS_ENDPOINT_URL_DYNAMODB"),
            aws_region=read.text("AWS_REGION", read.text("AWS_DEFAULT_REGION", "us-east-1")),
            rate_limit_per_minute=read.integer("RATE_LIMIT_PER_MINUTE", 100, low=1, high=MAX_RATE_LIMIT),
            cache_ttl_seconds=read.integer("CACHE_TTL_SECONDS", 30, low=0, high=3600),
            key_cache_ttl_seconds=key_cache_ttl,
            supported_symbols=supported,
            symbol_ids=tuple(parse_overrides(read.optional("SYMBOL_IDS")).items()),
            vs_currencies=read.items("VS_CURRENCIES", ("usd",), str.lower, _CURRENCY),
            price_source=read.choice("PRICE_SOURCE", "coingecko", PRICE_SOURCES),
            external_api_url=read.text("EXTERNAL_API_URL", default_root).rstrip("/"),
            external_api_key=read.optional("EXTERNAL_API_KEY"),
            coingecko_plan=plan,
            binance_api_url=read.text("BINANCE_API_URL", "https://api.binance.com").rstrip("/"),
            stock_symbols=_stocks(read, supported),
            stock_api_url=read.text("STOCK_API_URL", YAHOO_ROOT).rstrip("/"),
            stock_fallback_api_url=read.text("STOCK_FALLBACK_API_URL", STOOQ_ROOT).rstrip("/"),
            stock_max_symbols=read.integer("STOCK_MAX_SYMBOLS", 100, low=0, high=1000),
            binance_ws_url=read.websocket_url("BINANCE_WS_URL", DEFAULT_BINANCE_WS_URL),
            stream_refresh_seconds=read.number("STREAM_REFRESH_SECONDS", 10.0, low=0.1, high=3600),
            stream_silence_seconds=read.number("STREAM_SILENCE_SECONDS", 60.0, low=0.1, high=3600),
            stream_renew_seconds=read.integer("STREAM_RENEW_SECONDS", 23 * 3600, low=1, high=86_000),
            stream_evaluations_per_second=read.number("STREAM_EVALUATIONS_PER_SECOND", 4.0, low=0.1, high=100),
            upstream_timeout_seconds=read.number("UPSTREAM_TIMEOUT_SECONDS", 10.0, low=0.1, high=120),
            update_interval_seconds=read.integer("UPDATE_INTERVAL_SECONDS", 300, low=1, high=86_400),
            history_retention_days=read.integer("HISTORY_RETENTION_DAYS", 30, low=1, high=3650),
            max_price_jump=read.number("MAX_PRICE_JUMP", 10.0, low=1.01, high=1e6),
            max_body_bytes=read.integer("MAX_BODY_BYTES", 16_384, low=1024, high=10_485_760),
            max_symbols_per_request=read.integer("MAX_SYMBOLS_PER_REQUEST", 25, low=1, high=250),
            max_header_bytes=read.integer("MAX_HEADER_BYTES", 16_384, low=4096, high=1_048_576),
            request_timeout_seconds=read.number("REQUEST_TIMEOUT_SECONDS", 5.0, low=0.5, high=300),
            max_connections=read.integer("MAX_CONNECTIONS", 512, low=16, high=100_000),
            auth_failures_per_minute=read.integer("AUTH_FAILURES_PER_MINUTE", 30, low=1, high=1_000_000),
            public_url=read.text("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            registration=read.choice("REGISTRATION", "open", ("open", "closed")),
            session_ttl_seconds=read.integer("SESSION_TTL_SECONDS", 14 * 86_400, low=300, high=90 * 86_400),
            login_failures_per_minute=read.integer("LOGIN_FAILURES_PER_MINUTE", 5, low=1, high=10_000),
            access_log=read.boolean("ACCESS_LOG", False),
            smtp_host=read.optional("SMTP_HOST"),
            smtp_port=read.integer("SMTP_PORT", 587, low=1, high=65_535),
            smtp_user=read.optional("SMTP_USER"),
            smtp_password=read.optional("SMTP_PASSWORD"),
            smtp_from=read.email("SMTP_FROM", "cryptowatch@localhost"),
            smtp_starttls=read.boolean("SMTP_STARTTLS", True),
            webhook_secret=read.optional("WEBHOOK_SECRET"),
            webhook_allow_private=read.boolean("WEBHOOK_ALLOW_PRIVATE", False),
            notification_max_attempts=read.integer("NOTIFICATION_MAX_ATTEMPTS", 8, low=1, high=100),
            notification_deadline_seconds=read.number("NOTIFICATION_DEADLINE_SECONDS", 10.0, low=0.1, high=60),
            max_alerts_per_user=read.integer("MAX_ALERTS_PER_USER", 25, low=1, high=10_000),
            export_bucket=read.optional("EXPORT_BUCKET"),
            log_level=read.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
            cors_origins=read.items("CORS_ORIGINS", (), lambda o: o.lower().rstrip("/"), _ORIGIN),
        )


def _stocks(read: _Reader, coins: tuple[str, ...]) -> tuple[str, ...]:
    """STOCK_SYMBOLS, none of them a coin: prices are kept by symbol, so a stock `ETH` (a real
    NYSE ticker) would overwrite the coin's price."""
    stocks = read.items("STOCK_SYMBOLS", (), str.upper, _STOCK_SYMBOL, example="AAPL,MSFT,BRK-B")
    clash = sorted(set(stocks) & set(coins))
    if clash:
        raise ConfigError(
            f"STOCK_SYMBOLS and SUPPORTED_SYMBOLS both name {', '.join(clash)}: a symbol is a coin "
            "or a stock, not both"
        )
    return stocks


class _Reader:
    """Typed reads of environment variables, each failure naming the variable."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def optional(self, name: str) -> str | None:
        value = self._env.get(name, "").strip()
        return value or None

    def text(self, name: str, default: str) -> str:
        return self.optional(name) or default

    def _parsed(self, name: str, default: T, parse: Callable[[str], T], expected: str) -> T:
        raw = self.optional(name)
        if raw is None:
            return default
        try:
            return parse(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not valid: expected {expected}") from None

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        value = self._parsed(name, default, int, "a whole number")
        if not low <= value <= high:
            raise ConfigError(f"{name}={value} is out of range: expected {low} to {high}")
        return value

    def number(self, name: str, default: float, *, low: float, high: float) -> float:
        value = self._parsed(name, default, float, "a number")
        if not low <= value <= high:  # also rejects nan
            raise ConfigError(f"{name}={value} is out of range: expected {low} to {high}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        def parse(raw: str) -> bool:
            lowered = raw.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)

        return self._parsed(name, default, parse, "true or false")

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in allowed:
            raise ConfigError(f"{name}={value!r} is not valid: expected one of {', '.join(allowed)}")
        return value

    def email(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if value != default and not _EMAIL.match(value):
            raise ConfigError(f"{name}={value!r} is not an email address")
        return value

    def websocket_url(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if not value.startswith(("ws://", "wss://")):
            raise ConfigError(f"{name}={value!r} is not valid: expected a ws:// or wss:// URL")
        return value

    def items(
        self,
        name: str,
        default: tuple[str, ...],
        normalise: Callable[[str], str],
        pattern: re.Pattern[str],
        example: str | None = None,
    ) -> tuple[str, ...]:
        raw = self.optional(name)
        if raw is None:
            return default
        values = tuple(dict.fromkeys(normalise(part.strip()) for part in raw.split(",") if part.strip()))
        bad = [value for value in values if not pattern.match(value)]
        if not values or bad:
            raise ConfigError(
                f"{name}={raw!r} is not valid: expected a comma-separated list like "
                f"{example or ','.join(default)} (bad: {', '.join(bad) or 'empty'})"
            )
        return values
