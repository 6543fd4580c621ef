"""Storage: the Store protocol and the factory that picks a backend from config."""

from __future__ import annotations

from shared.config import Settings
from shared.store.base import Store

__all__ = ["Store", "open_store"]


def open_store(settings: Settings) -> Store:
    """DynamoDB when DYNAMODB_TABLE_NAME is set, else the embedded SQLite file.

    Backends are imported here, lazily, so a Lambda cold start never loads SQLite code and a
    local run never pays for boto3's import."""
    if settings.dynamodb_table_name:
        from shared.store.dynamodb import DynamoStore

        return DynamoStore(
            table_name=settings.dynamodb_table_name,
            endpoint_url=settings.dynamodb_endpoint_url,
            region=settings.aws_region,
            history_retention_seconds=settings.history_retention_seconds,
        )
    from shared.store.sqlite import SQLiteStore

    return SQLiteStore(settings.sqlite_path, history_retention_seconds=settings.history_retention_seconds)
