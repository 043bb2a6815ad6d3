"""`glueContext.getSink(...)`: an s3 sink that can update the Data Catalog as it writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsglue._glueflow import writing


class DataSink:
    def __init__(self, glue_context: Any, options: Mapping[str, Any]) -> None:
        self._glue_context = glue_context
        self._options = dict(options)
        self._format = "parquet"
        self._format_options: dict[str, Any] = {}
        self._database: str | None = None
        self._table: str | None = None

    def setFormat(self, format: str, **options: Any) -> None:
        self._format = format
        self._format_options.update(options)

    def setCatalogInfo(self, catalogDatabase: str, catalogTableName: str, catalogId: str = "") -> None:
        self._database = catalogDatabase
        self._table = catalogTableName

    def setAccumulableSize(self, size: int) -> None:
        """Accepted and ignored (it sizes Glue's JVM accumulators)."""

    def writeFrame(self, dynamic_frame: Any, info: str = "") -> Any:
        """Appends the frame under `path`; with enableUpdateCatalog and setCatalogInfo, creates or updates the
        table (updateBehavior UPDATE_IN_DATABASE by default, or LOG) and adds the written partitions."""
        path = self._options.get("path")
        if not path:
            raise ValueError("getSink(...) needs path=... for an s3 sink")
        keys = list(self._options.get("partitionKeys") or [])
        options = {**self._format_options, **{k: v for k, v in self._options.items() if k == "compression"}}
        df = dynamic_frame.toDF()
        writing.write_s3(df, path, self._format, options, keys)
        if writing._truthy(self._options.get("enableUpdateCatalog", False)):
            if not (self._database and self._table):
                raise ValueError("enableUpdateCatalog needs setCatalogInfo(catalogDatabase, catalogTableName)")
            update = {**options, "updateBehavior": self._options.get("updateBehavior", "UPDATE_IN_DATABASE")}
            writing.update_catalog(df, self._database, self._table, path, self._format, keys, update)
        return dynamic_frame

    def write(self, dynamic_frame_or_dfc: Any, info: str = "") -> Any:
        return self.writeFrame(dynamic_frame_or_dfc, info)

    def writeDataFrame(self, data_frame: Any, glue_context: Any, info: str = "") -> Any:
        from awsglue.dynamicframe import DynamicFrame

        return self.writeFrame(DynamicFrame(data_frame, glue_context), info)
