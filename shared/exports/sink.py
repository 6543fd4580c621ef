"""Where export files go: a folder under the data directory locally, an S3 bucket on AWS."""

from __future__ import annotations

from typing import Protocol


class ExportSink(Protocol):
    def save(self, file_key: str, data: bytes, content_type: str) -> None:
        """Store the file. Should raise Conflict rather than overwrite an existing `file_key`
        (the exporter then picks another name)."""

    def url_for(self, file_key: str, export_id: str) -> str:
        """Where a client downloads the file: a relative admin route, or a pre-signed URL."""

    def read(self, file_key: str) -> bytes:
        """The file's bytes for the admin download route; NotFound when it is gone."""
