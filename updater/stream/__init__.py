"""The live alert stream: Binance's public market streams evaluated against active alerts as the
prices arrive, beside the five-minute cycle (which stays the source of watch prices).

`wire` speaks Binance's format, `book` indexes the active alerts, `evaluator` coalesces ticks and
fires alerts, `link` keeps one connection subscribed, `runner` keeps the whole thing up and
records its status, `cli` is `cryptowatch stream`."""
