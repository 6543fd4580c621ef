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

handler = Mangum(create_app(init_store=False), lifespan="off")
