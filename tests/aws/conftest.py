"""The AWS side on loopback: moto's S3 server, DynamoDB Local, dummy credentials.

Every test here runs with dummy credentials set only in this process and with no AWS config
or credential files, so nothing can reach a real account; endpoints point at 127.0.0.1.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.client import BaseClient
from moto.server import ThreadedMotoServer

from shared.store.dynamodb import DynamoStore
from tests.support.dynamodb_local import DUMMY_AWS_ENV, drop_table, dynamodb_local, new_store
from tests.support.server import free_port

__all__ = ["dynamodb_local"]  # the session fixture, shared with this folder's tests

REGION = DUMMY_AWS_ENV["AWS_DEFAULT_REGION"]
#: No AWS config or credential file is read: nothing here can pick up a real account.
NO_AWS_FILES = {"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


@pytest.fixture(scope="session", autouse=True)
def dummy_aws() -> Iterator[None]:
    """Session-wide, as the `dynamodb_local` session fixture sets the same dummies: a
    test-scoped patch undone under a session fixture's patch would strip its credentials."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (DUMMY_AWS_ENV | NO_AWS_FILES).items():
            patch.setenv(name, value)
        for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[str]:
    """moto's S3 in server mode on a free loopback port: real HTTP for boto3 and for the
    pre-signed URLs a client downloads from."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_client(moto_s3: str, dummy_aws: None) -> BaseClient:
    return boto3.session.Session().client("s3", region_name=REGION, endpoint_url=moto_s3)


@pytest.fixture
def bucket(s3_client: BaseClient) -> str:
    """A fresh, empty bucket per test (moto's state lives as long as the server)."""
    name = f"cw-exports-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch, moto_s3: str) -> str:
    """Point boto3's S3 clients (the sink makes its own) at moto, as AWS_ENDPOINT_URL_S3."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_s3)
    return moto_s3


@pytest.fixture
def dynamo_table(dynamodb_local: str, dummy_aws: None) -> Iterator[DynamoStore]:
    """A DynamoStore on a fresh table of DynamoDB Local, as the template would have made it."""
    store = new_store(dynamodb_local)
    yield store
    drop_table(store)


@pytest.fixture
def lambda_env(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    dynamodb_local: str,
    dynamo_table: DynamoStore,
    moto_s3: str,
    bucket: str,
) -> dict[str, str]:
    """The environment template.yaml gives both functions, with local endpoints."""
    env = {
        "ENVIRONMENT": "test",
        "CRYPTOWATCH_DATA_DIR": str(tmp_path / "lambda-tmp"),
        "DYNAMODB_TABLE_NAME": dynamo_table.table_name,
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_local,
        "EXPORT_BUCKET": bucket,
        "AWS_ENDPOINT_URL_S3": moto_s3,
        "SUPPORTED_SYMBOLS": "BTC,ETH,SOL",
        "VS_CURRENCIES": "usd",
        "UPDATE_INTERVAL_SECONDS": "300",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env
