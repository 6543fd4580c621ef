"""Which upstream id a ticker symbol has: CoinGecko's coin id and Binance's base asset.

Tickers are ambiguous (dozens of coins call themselves "ETH" something), so the ids of the
major coins ship here. `SYMBOL_IDS="FOO=foo-coin,BAR=bar"` adds or overrides CoinGecko ids for
anything else in SUPPORTED_SYMBOLS (read and checked at start-up with the other settings, in
`shared.config`); a symbol known nowhere falls back to its lower-cased name, which is right for
many small coins and is logged once so a wrong guess is easy to spot.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping

import msgspec

from shared.errors import ConfigError

log = logging.getLogger(__name__)

_OVERRIDE = re.compile(r"^([A-Za-z0-9]{1,12})=([a-z0-9][a-z0-9-]*)$")


class Coin(msgspec.Struct, frozen=True):
    coingecko: str
    #: Base asset of the coin's Binance spot pairs; None where Binance has no USDT pair we trust.
    binance: str | None


def _same(*pairs: tuple[str, str]) -> dict[str, Coin]:
    """Coins whose Binance base asset is their ticker."""
    return {symbol: Coin(coingecko_id, symbol) for symbol, coingecko_id in pairs}


COINS: Mapping[str, Coin] = {
    **_same(
        ("BTC", "bitcoin"),
        ("ETH", "ethereum"),
        ("BNB", "binancecoin"),
        ("SOL", "solana"),
        ("XRP", "ripple"),
        ("ADA", "cardano"),
        ("DOGE", "dogecoin"),
        ("TRX", "tron"),
        ("AVAX", "avalanche-2"),
        ("DOT", "polkadot"),
        ("LINK", "chainlink"),
        ("POL", "polygon-ecosystem-token"),
        ("SHIB", "shiba-inu"),
        ("LTC", "litecoin"),
        ("BCH", "bitcoin-cash"),
        ("UNI", "uniswap"),
        ("XLM", "stellar"),
        ("ATOM", "cosmos"),
        ("ETC", "ethereum-classic"),
        ("NEAR", "near"),
        ("APT", "aptos"),
        ("ARB", "arbitrum"),
        ("OP", "optimism"),
        ("FIL", "filecoin"),
        ("ICP", "internet-computer"),
        ("HBAR", "hedera-hashgraph"),
        ("VET", "vechain"),
        ("ALGO", "algorand"),
        ("AAVE", "aave"),
        ("SUI", "sui"),
        ("TON", "the-open-network"),
        ("PEPE", "pepe"),
        ("INJ", "injective-protocol"),
        ("GRT", "the-graph"),
        ("SAND", "the-sandbox"),
        ("MANA", "decentraland"),
        ("AXS", "axie-infinity"),
        ("XTZ", "tezos"),
        ("TIA", "celestia"),
        ("LDO", "lido-dao"),
        ("RENDER", "render-token"),
        ("USDC", "usd-coin"),
    ),
    # Binance lists these under another base asset (rebrands), or not at all.
    "RNDR": Coin("render-token", "RENDER"),  # the old ticker of RENDER: see RENAMED
    "MATIC": Coin("matic-network", None),
    "XMR": Coin("monero", None),
    "USDT": Coin("tether", None),
}

#: Old ticker -> new ticker. The old one keeps working (prices are stored and served under the
#: ticker configured), and a warning, once per process, says which one to move to.
RENAMED: Mapping[str, str] = {"RNDR": "RENDER"}

_warned: set[str] = set()


def parse_overrides(raw: str | None) -> dict[str, str]:
    """`FOO=foo-coin,BAR=bar` -> {"FOO": "foo-coin", "BAR": "bar"}; ConfigError when malformed."""
    overrides: dict[str, str] = {}
    for part in (raw or "").split(","):
        if not part.strip():
            continue
        match = _OVERRIDE.match(part.strip())
        if match is None:
            raise ConfigError(
                f"SYMBOL_IDS={raw!r} is not valid: expected SYMBOL=coingecko-id pairs separated "
                f"by commas, like FOO=foo-coin,BAR=bar (bad: {part.strip()!r})"
            )
        overrides[match.group(1).upper()] = match.group(2)
    return overrides


def coingecko_ids(symbols: Iterable[str], overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """symbol -> CoinGecko id for each symbol: `overrides` (SYMBOL_IDS) first, then the table,
    then a guess."""
    overrides = overrides or {}
    ids: dict[str, str] = {}
    for symbol in symbols:
        if symbol in RENAMED and symbol not in _warned:
            _warned.add(symbol)
            log.warning(
                "%s is now %s (CoinGecko id %r); %s still works, but put %s in SUPPORTED_SYMBOLS "
                "to match what exchanges and watches show",
                symbol,
                RENAMED[symbol],
                COINS[symbol].coingecko,
                symbol,
                RENAMED[symbol],
            )
        if symbol in overrides:
            ids[symbol] = overrides[symbol]
        elif symbol in COINS:
            ids[symbol] = COINS[symbol].coingecko
        else:
            ids[symbol] = symbol.lower()
            if symbol not in _warned:
                _warned.add(symbol)
                log.warning(
                    "no CoinGecko id known for %s; guessing %r (set SYMBOL_IDS=%s=<id> to fix)",
                    symbol,
                    ids[symbol],
                    symbol,
                )
    return ids


def binance_base(symbol: str) -> str | None:
    """The Binance base asset for `symbol`, or None when we do not know one for sure."""
    coin = COINS.get(symbol)
    return coin.binance if coin else None
