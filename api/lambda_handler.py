"""Lambda entry point of the API (template.yaml: `api.lambda_handler.handler`, behind an HTTP
API with payload format 2.0): the same Starlette app as `cryptowatch serve`, adapted by mangum.

The app is built once per execution environment, at import, and every invocation on that
instance reuses it, so the key and price caches stay warm between requests. Building it costs
no network: the DynamoDB and S3 clients are made on first use.

`lifespan="off"`: mangum would otherwise run the app's start-up *and shut-down* around every
single invocation, closing the store after each request. Nothing needs to run at start either:
the table belongs to the template (`init_store=False`), and Lambda freezes and later discards
an execution environment without a shut-down the app could act on.
"""

from __future__ import annotations

from mangum import Mangum

from api.app import create_app
from shared.config import Settings
from shared.store import open_store

settings = Settings.from_env()
store = open_store(settings)
# An execution environment answers one request at a time, so a store call may wait on the event
# loop: nothing else is waiting. That skips a thread hop per call and, on the first request,
# loading anyio's thread machinery (docs/benchmarks.md, cold start).
store.inline_calls = True
handler = Mangum(create_app(settings, store, init_store=False), lifespan="off")
