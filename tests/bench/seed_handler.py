"""The cold-start baseline: a minimal API function as the seed projects wrote one. mangum over a
Starlette app with one route that makes two DynamoDB calls (the key by its hash, then the latest
prices) with a boto3 client made at import, and answers JSON. Used by `cold_start.py` only."""

from __future__ import annotations

import hashlib
import os

import boto3
from mangum import Mangum
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TABLE = os.environ["DYNAMODB_TABLE_NAME"]
dynamodb = boto3.client("dynamodb", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"))


async def prices(request: Request) -> JSONResponse:
    secret = request.headers.get("x-api-key", "")
    key_hash = hashlib.sha256(secret.encode()).hexdigest()
    key = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": f"KEYHASH#{key_hash}"}, "sk": {"S": "KEYHASH"}})
    if "Item" not in key:
        return JSONResponse({"error": "unknown_key"}, status_code=401)
    latest = dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "PRICES"}, "sk": {"S": "LATEST"}})["Item"]
    wanted = request.query_params.get("symbols", "").split(",")
    found = {name.split("#")[0]: float(p["M"]["price"]["N"]) for name, p in latest["prices"]["M"].items()}
    return JSONResponse({"p": {symbol: found.get(symbol) for symbol in wanted}})


handler = Mangum(Starlette(routes=[Route("/v1/prices", prices)]), lifespan="off")
