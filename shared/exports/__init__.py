"""Price-history exports: the builder, and the sink the files go to (chosen from config)."""

from __future__ import annotations

from shared.config import Settings
from shared.exports.sink import ExportSink

__all__ = ["ExportSink", "open_sink"]


def open_sink(settings: Settings) -> ExportSink:
    """S3 when EXPORT_BUCKET is set (imported lazily: a local run never loads boto3 for this),
    else files under the data folder."""
    if settings.export_bucket:
        from shared.exports.s3 import S3Sink

        return S3Sink.from_settings(settings)
    from shared.exports.local import LocalSink

    return LocalSink(settings.exports_dir)
