"""The boto3 side of the DynamoDB store: a lazily made client, bounded retries and timeouts, and
one place that turns "the service cannot answer now" into StoreUnavailable.

Nothing touches the network at import or construction: a Lambda cold start or a CLI command
that never reaches the store pays for neither the client nor a connection.
"""

from __future__ import annotations

import gzip
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from shared.errors import StoreUnavailable
from shared.store.dynamodb_codec import Item
from shared.store.dynamodb_layout import item_id

#: Error codes that mean "later", not "wrong": raised as StoreUnavailable once retries run out.
UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
        "TransactionInProgressException",
    }
)
RETRY_AFTER_SECONDS = 2
# Bounds of one API call, chosen for the API function's time budget (docs/aws.md, "Time
# budget"): a watch request makes at most three calls (a cold instance), each at most
# MAX_ATTEMPTS x (connect + read) plus botocore's one throttling backoff (under 1 s), so a slow
# DynamoDB gives 503 + Retry-After well before Lambda's timeout would give the client a 500.
# DynamoDB answers in milliseconds; these are tens of times its normal latency.
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1.0
MAX_ATTEMPTS = 2  # in all, first try included: botocore's standard mode, backoff with jitter
_CONFLICT_RETRIES = 5  # our retries of a transaction that raced another one on the same item
_UNPROCESSED_RETRIES = 8
_RETRYABLE_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})

_session: Any = None
_session_lock = threading.Lock()


class TransactionFailed(Exception):
    """A transaction was cancelled because one of its conditions did not hold (`reasons` gives
    each item's code, 'None' for those that were fine)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(", ".join(reasons))
        self.reasons = reasons


class DynamoClient:
    """Calls on one table through a thread-safe low-level client made on first use."""

    def __init__(self, table_name: str, endpoint_url: str | None, region: str, client: Any = None) -> None:
        self.table_name = table_name
        self._endpoint_url = endpoint_url
        self._region = region
        self._client = client
        self._owns_client = client is None  # an injected client is the caller's to close
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        from botocore.config import Config

        config = Config(
            retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            max_pool_connections=32,
        )
        global _session
        # One session for every store in the process: it caches the service model, which makes a
        # second client cheap. Sessions are not thread-safe, hence the lock around it.
        with _session_lock:
            if _session is None:
                _session = _dynamodb_session()
            return _session.create_client(
                "dynamodb", region_name=self._region, endpoint_url=self._endpoint_url, config=config
            )

    def close(self) -> None:
        with self._lock:
            if self._client is not None and self._owns_client:
                self._client.close()
                self._client = None

    # --- calls -----------------------------------------------------------------------------
    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """One API call on this table; StoreUnavailable when the service cannot answer."""
        from botocore.exceptions import BotoCoreError, ClientError

        if operation not in ("transact_write_items", "batch_write_item", "batch_get_item"):
            kwargs.setdefault("TableName", self.table_name)
        try:
            response: dict[str, Any] = getattr(self.client, operation)(**kwargs)
            return response
        except ClientError as error:
            code = _code(error)
            if code in UNAVAILABLE_CODES:
                raise StoreUnavailable(
                    f"DynamoDB is busy ({code}); try again shortly", retry_after=RETRY_AFTER_SECONDS
                ) from error
            if code == "ResourceNotFoundException":
                raise StoreUnavailable(
                    f"DynamoDB table {self.table_name!r} does not exist; run `cryptowatch init`",
                    retry_after=30,
                ) from error
            raise
        except BotoCoreError as error:  # connection refused or reset, timeouts, no credentials
            raise StoreUnavailable(
                f"DynamoDB cannot be reached ({type(error).__name__})",
                retry_after=RETRY_AFTER_SECONDS,
            ) from error

    def conditional(self, operation: str, **kwargs: Any) -> dict[str, Any] | None:
        """A call with a ConditionExpression: None when the condition did not hold."""
        from botocore.exceptions import ClientError

        try:
            return self.call(operation, **kwargs)
        except ClientError as error:
            if _code(error) == "ConditionalCheckFailedException":
                return None
            raise

    def get(self, key: Item, consistent: bool = True) -> Item | None:
        item: Item | None = self.call("get_item", Key=key, ConsistentRead=consistent).get("Item")
        return item

    def transact(self, items: list[dict[str, Any]]) -> None:
        """TransactWriteItems on this table. Raises TransactionFailed when a condition failed;
        a clash with a concurrent transaction is retried, so the conditions decide."""
        for entry in items:
            next(iter(entry.values())).setdefault("TableName", self.table_name)
        from botocore.exceptions import ClientError

        for attempt in range(_CONFLICT_RETRIES):
            try:  # the token makes botocore's own resend of this attempt idempotent
                self.call("transact_write_items", TransactItems=items, ClientRequestToken=uuid.uuid4().hex)
                return
            except ClientError as error:
                if _code(error) != "TransactionCanceledException":
                    raise
                reasons = [r.get("Code") or "None" for r in error.response.get("CancellationReasons", [])]
                if "ConditionalCheckFailed" in reasons:
                    raise TransactionFailed(reasons) from error
                if not _RETRYABLE_REASONS.intersection(reasons):
                    raise
                time.sleep(0.02 * 2**attempt)
        raise StoreUnavailable("DynamoDB transaction kept conflicting; try again shortly")

    def batch_write(self, requests: list[dict[str, Any]]) -> None:
        """BatchWriteItem in chunks of 25, resending unprocessed items with backoff."""
        for start in range(0, len(requests), 25):
            pending = {self.table_name: requests[start : start + 25]}
            for attempt in range(_UNPROCESSED_RETRIES):
                response = self.call("batch_write_item", RequestItems=pending)
                pending = response.get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(min(1.0, 0.05 * 2**attempt))
            else:
                raise StoreUnavailable("DynamoDB left writes unprocessed; try again shortly")

    def batch_get(self, keys: list[Item]) -> dict[tuple[str, str], Item]:
        """BatchGetItem, strongly consistent, of up to 100 keys: the items found, by (pk, sk);
        keys DynamoDB left unprocessed are asked again with backoff."""
        found: dict[tuple[str, str], Item] = {}
        pending: dict[str, Any] = {self.table_name: {"Keys": keys, "ConsistentRead": True}}
        for attempt in range(_UNPROCESSED_RETRIES):
            response = self.call("batch_get_item", RequestItems=pending)
            for item in response.get("Responses", {}).get(self.table_name, []):
                found[item_id(item)] = item
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                return found
            time.sleep(min(1.0, 0.05 * 2**attempt))
        raise StoreUnavailable("DynamoDB left reads unprocessed; try again shortly")

    def pages(self, **query: Any) -> Iterator[list[Item]]:
        """Query pages until the result set is exhausted (DynamoDB stops each page at 1 MB)."""
        while True:
            response = self.call("query", **query)
            yield response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            query["ExclusiveStartKey"] = last

    def query_all(self, **query: Any) -> list[Item]:
        return [item for page in self.pages(**query) for item in page]

    def first_match(self, predicate: Callable[[Item], bool], **query: Any) -> Item | None:
        for page in self.pages(**query):
            for item in page:
                if predicate(item):
                    return item
        return None


def _dynamodb_session() -> Any:
    """A botocore session for the DynamoDB client, made for a fast cold start: botocore alone
    (boto3 adds nothing a low-level client uses, and importing it imports s3transfer and
    multiprocessing), a data loader that knows DynamoDB only (botocore otherwise lists every
    service's folder, twice, to check that it exists), and its data files read with orjson
    (botocore's json.loads with an OrderedDict per object takes three times as long over the
    1.2 MB endpoints.json)."""
    import botocore.session
    from botocore.loaders import JSONFileLoader, Loader

    class OrjsonFileLoader(JSONFileLoader):  # type: ignore[misc]
        def load_file(self, file_path: str) -> Any:
            for extension, opener in ((".json", open), (".json.gz", gzip.open)):
                if os.path.isfile(file_path + extension):
                    with opener(file_path + extension, "rb") as data:
                        return orjson.loads(data.read())
            return None

    class DynamoDBLoader(Loader):  # type: ignore[misc]
        def list_available_services(self, type_name: str) -> list[str]:
            return ["dynamodb"]

    session = botocore.session.Session()
    session.register_component("data_loader", DynamoDBLoader(file_loader=OrjsonFileLoader()))
    return session


def _code(error: Any) -> str:
    code: str = error.response.get("Error", {}).get("Code", "")
    return code
