"""Export files in an S3 bucket (AWS mode), handed out as pre-signed GET URLs.

The bucket stays private: a client downloads through a URL signed for one object that stops
working after `url_ttl_seconds` (one hour by default). The boto3 client is made on first use,
so importing or constructing a sink costs no network and no credential lookup (Lambda cold
start). `AWS_ENDPOINT_URL_S3` (read by boto3 itself) points it at a local S3 such as moto.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from shared.config import Settings
from shared.errors import Conflict, NotFound, StoreUnavailable

if TYPE_CHECKING:
    from botocore.client import BaseClient

DEFAULT_URL_TTL_SECONDS = 3600
MAX_URL_TTL_SECONDS = 7 * 86_400  # SigV4's limit for a pre-signed URL
# One S3 call's bounds, inside the API function's time budget as DynamoDB's are (docs/aws.md,
# "Time budget"); the read timeout is longer, as S3 answers a PUT once it has stored the body.
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1.5
MAX_ATTEMPTS = 2
_MISSING = {"NoSuchKey", "404", "NotFound"}
_EXISTS = {"PreconditionFailed", "412", "ConditionalRequestConflict"}


class S3Sink:
    def __init__(
        self,
        bucket: str,
        client: BaseClient | None = None,
        url_ttl_seconds: int = DEFAULT_URL_TTL_SECONDS,
        region: str | None = None,
    ) -> None:
        if not 1 <= url_ttl_seconds <= MAX_URL_TTL_SECONDS:
            raise ValueError(f"url_ttl_seconds must be from 1 to {MAX_URL_TTL_SECONDS}")
        self.bucket = bucket
        self.url_ttl_seconds = url_ttl_seconds
        self._client = client
        self._region = region
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Sink:
        if not settings.export_bucket:
            raise ValueError("EXPORT_BUCKET is not set")
        return cls(settings.export_bucket, region=settings.aws_region)

    @property
    def client(self) -> BaseClient:
        if self._client is None:
            with self._lock:  # API handlers run in worker threads; make exactly one client
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self) -> BaseClient:
        import boto3
        from botocore.config import Config

        # A session of our own: boto3's default session is not safe to share between threads.
        return boto3.session.Session().client(
            "s3",
            region_name=self._region,
            config=Config(
                signature_version="s3v4",
                retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                read_timeout=READ_TIMEOUT_SECONDS,
            ),
        )

    def save(self, file_key: str, data: bytes, content_type: str) -> None:
        """Conditional create (`If-None-Match: *`): an existing export is never overwritten,
        S3 answers 412 and we raise Conflict so the exporter picks another name. Encrypted at
        rest whatever the bucket default is."""
        from botocore.exceptions import BotoCoreError, ClientError

        name = file_key.rsplit("/", 1)[-1]
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=file_key,
                Body=data,
                ContentType=content_type,
                ContentDisposition=f'attachment; filename="{name}"',
                ServerSideEncryption="AES256",
                IfNoneMatch="*",
            )
        except ClientError as error:
            if _code(error) in _EXISTS:
                raise Conflict(f"export file {file_key} exists") from None
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error

    def url_for(self, file_key: str, export_id: str) -> str:
        """A GET URL signed locally (no network call) for this object only."""
        from botocore.exceptions import BotoCoreError

        try:
            return self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": file_key},
                ExpiresIn=self.url_ttl_seconds,
            )
        except BotoCoreError as error:
            raise _unavailable(error) from error

    def read(self, file_key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=file_key)
            return response["Body"].read()
        except ClientError as error:
            if _code(error) in _MISSING:
                raise NotFound(f"export file {file_key} is gone from the bucket") from None
            raise _unavailable(error) from error
        except BotoCoreError as error:
            raise _unavailable(error) from error


def _code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))


def _unavailable(error: Exception) -> StoreUnavailable:
    """S3 down, throttled or refusing us: the client gets 503 with Retry-After, never a 500."""
    return StoreUnavailable(f"export storage is unavailable ({type(error).__name__}), try again shortly")
