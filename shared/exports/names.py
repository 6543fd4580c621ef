"""Display names for the `name` field of exported records."""

from __future__ import annotations

from shared.symbols import COINS

NAMES = {
    "BTC": "Bitcoin",
    "ETH": "Ethereum",
    "BNB": "BNB",
    "SOL": "Solana",
    "XRP": "XRP",
    "ADA": "Cardano",
    "DOGE": "Dogecoin",
    "TRX": "TRON",
    "AVAX": "Avalanche",
    "DOT": "Polkadot",
    "LINK": "Chainlink",
    "POL": "POL (ex-MATIC)",
    "MATIC": "Polygon",
    "SHIB": "Shiba Inu",
    "LTC": "Litecoin",
    "BCH": "Bitcoin Cash",
    "UNI": "Uniswap",
    "XLM": "Stellar",
    "ATOM": "Cosmos Hub",
    "ETC": "Ethereum Classic",
    "NEAR": "NEAR Protocol",
    "APT": "Aptos",
    "ARB": "Arbitrum",
    "OP": "Optimism",
    "FIL": "Filecoin",
    "ICP": "Internet Computer",
    "HBAR": "Hedera",
    "VET": "VeChain",
    "ALGO": "Algorand",
    "AAVE": "Aave",
    "SUI": "Sui",
    "TON": "Toncoin",
    "PEPE": "Pepe",
    "INJ": "Injective",
    "GRT": "The Graph",
    "SAND": "The Sandbox",
    "MANA": "Decentraland",
    "AXS": "Axie Infinity",
    "XTZ": "Tezos",
    "TIA": "Celestia",
    "LDO": "Lido DAO",
    "USDC": "USDC",
    "USDT": "Tether",
    "RENDER": "Render",
    "RNDR": "Render",
    "XMR": "Monero",
}


def coin_name(symbol: str) -> str:
    """The coin's name; for a coin not listed, its CoinGecko id made readable, else the symbol."""
    if symbol in NAMES:
        return NAMES[symbol]
    coin = COINS.get(symbol)
    return coin.coingecko.replace("-", " ").title() if coin else symbol
