"""Exports in S3 (AWS mode) against moto's server over real HTTP: the file goes in encrypted
and is never overwritten, and the pre-signed URL downloads the same bytes, then expires."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import httpx
import orjson
import pytest
from botocore.client import BaseClient

from shared.config import Settings
from shared.errors import Conflict, NotFound, StoreUnavailable
from shared.exports import open_sink
from shared.exports.builder import ExportFormat, ExportSpec, run_export
from shared.exports.s3 import S3Sink
from shared.ids import now
from shared.models import PricePoint
from shared.store.sqlite import SQLiteStore
from tests.aws.sigv4 import accepted_at, signature_matches, signed_window
from tests.support.server import free_port

KEY = "exports/crypto_2026-11-22T05-30-00.json"
DATA = b'[{"id":"BTC-1","timestamp":1,"name":"Bitcoin","symbol":"BTC","price":97123.45}]'


def secret_key() -> str:
    credentials = boto3.session.Session().get_credentials()
    assert credentials is not None
    return credentials.secret_key


def test_the_presigned_url_downloads_the_saved_bytes(s3_endpoint: str, s3_client: BaseClient, bucket: str) -> None:
    sink = S3Sink(bucket)
    sink.save(KEY, DATA, "application/json")

    response = httpx.get(sink.url_for(KEY, "exp_1"), timeout=10)

    assert response.status_code == 200
    assert response.content == DATA
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="crypto_2026-11-22T05-30-00.json"'
    assert s3_client.head_object(Bucket=bucket, Key=KEY)["ServerSideEncryption"] == "AES256"


def test_the_url_signs_one_object(s3_endpoint: str, bucket: str) -> None:
    url = S3Sink(bucket).url_for(KEY, "exp_1")

    assert urlsplit(url).path == f"/{bucket}/{KEY}"
    assert signature_matches(url, secret_key())
    other = url.replace(KEY, "exports/crypto_other.json")
    assert not signature_matches(other, secret_key())


def test_an_existing_export_is_never_overwritten(s3_endpoint: str, bucket: str) -> None:
    sink = S3Sink(bucket)
    sink.save(KEY, DATA, "application/json")

    with pytest.raises(Conflict):
        sink.save(KEY, b"[]", "application/json")

    assert sink.read(KEY) == DATA


def test_reading_a_missing_file_is_not_found(s3_endpoint: str, bucket: str) -> None:
    with pytest.raises(NotFound):
        S3Sink(bucket).read("exports/crypto_gone.json")


def test_s3_down_is_unavailable_not_a_crash(dummy_aws: None) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    client = boto3.session.Session().client("s3", region_name="us-east-1", endpoint_url=closed)
    sink = S3Sink("cw-exports", client=client)

    with pytest.raises(StoreUnavailable) as caught:
        sink.save(KEY, DATA, "application/json")

    assert caught.value.status == 503
    assert caught.value.headers()["Retry-After"]


def test_the_url_is_valid_one_hour_by_default(s3_endpoint: str, bucket: str) -> None:
    url = S3Sink(bucket).url_for(KEY, "exp_1")

    start, until = signed_window(url)

    assert until - start == timedelta(hours=1)
    assert abs((start - datetime.now(UTC)).total_seconds()) < 5


def test_a_short_lived_url_works_then_expires(s3_endpoint: str, bucket: str) -> None:
    """moto does not enforce X-Amz-Expires, so expiry is checked as S3 checks it: the
    lifetime is part of what is signed, and the signed window has closed after it."""
    sink = S3Sink(bucket, url_ttl_seconds=2)
    sink.save(KEY, DATA, "application/json")
    url = sink.url_for(KEY, "exp_1")
    start, until = signed_window(url)

    assert httpx.get(url, timeout=10).content == DATA
    assert until - start == timedelta(seconds=2)
    assert accepted_at(url, secret_key(), start + timedelta(seconds=1))
    assert not accepted_at(url, secret_key(), start + timedelta(seconds=3))
    stretched = url.replace("X-Amz-Expires=2", "X-Amz-Expires=3600")
    assert not signature_matches(stretched, secret_key())


def test_open_sink_picks_s3_when_a_bucket_is_configured(s3_endpoint: str, tmp_path: Path, bucket: str) -> None:
    settings = Settings.from_env({"CRYPTOWATCH_DATA_DIR": str(tmp_path), "EXPORT_BUCKET": bucket})
    store = SQLiteStore(settings.sqlite_path)
    store.init()
    at = now()
    store.put_prices([PricePoint("BTC", "usd", 97000.0 + i, 0.5, at - 600 * (3 - i), "coingecko") for i in range(3)])
    sink = open_sink(settings)
    spec = ExportSpec(ExportFormat.JSON, ("BTC",), at - 3600, at)

    record = run_export(store, sink, spec, "usd", at)
    store.close()

    assert isinstance(sink, S3Sink) and sink.bucket == bucket
    assert record.file_key.startswith("exports/crypto_") and record.file_key.endswith(".json")
    rows = orjson.loads(httpx.get(sink.url_for(record.file_key, record.id), timeout=10).content)
    assert [(row["symbol"], row["name"], row["price"]) for row in rows] == [
        ("BTC", "Bitcoin", 97000.0), ("BTC", "Bitcoin", 97001.0), ("BTC", "Bitcoin", 97002.0)
    ]  # fmt: skip
    assert len(rows) == record.records


def test_the_sink_needs_no_credentials_until_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Built at Lambda cold start: it must not fail (or call out) before the first export."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    settings = dataclasses.replace(Settings(data_dir=tmp_path), export_bucket="cw-exports")

    sink = open_sink(settings)

    assert isinstance(sink, S3Sink)
    with pytest.raises(StoreUnavailable):
        sink.url_for(KEY, "exp_1")
