"""GlueContext over the job's SparkSession: catalog and s3 sources, s3/catalog/JDBC sinks, purge, logger."""

from __future__ import annotations

import logging
import sys
import time
import warnings
from collections.abc import Mapping
from typing import Any

from awsglue._glueflow import paths, reading, writing
from awsglue._glueflow.unsupported import stub, unsupported
from awsglue.data_sink import DataSink
from awsglue.dataframereader import DataFrameReader
from awsglue.dataframewriter import DataFrameWriter
from awsglue.dynamicframe import DynamicFrame, DynamicFrameReader, DynamicFrameWriter
from pyspark.sql import SQLContext


class GlueLogger:
    """`glueContext.get_logger()`: info/warn/error into the job's log (Glue's is a log4j logger)."""

    def __init__(self, name: str = "GlueLogger") -> None:
        self._log = logging.getLogger(name)
        if not self._log.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            self._log.addHandler(handler)
            self._log.setLevel(logging.INFO)
            self._log.propagate = False

    def info(self, message: str) -> None:
        self._log.info(message)

    def warn(self, message: str) -> None:
        self._log.warning(message)

    def error(self, message: str) -> None:
        self._log.error(message)


class GlueContext(SQLContext):
    """Wraps the job's SparkContext (Glue's GlueContext is a SQLContext too)."""

    def __init__(self, sparkContext: Any = None, **options: Any) -> None:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession

        context = sparkContext or SparkContext.getOrCreate()
        session = SparkSession.builder.getOrCreate()
        with warnings.catch_warnings():  # SQLContext's own deprecation notice is not the script's business
            warnings.simplefilter("ignore")
            super().__init__(context, session)
        self.spark_session = session
        self.sparkSession = session
        self._options = options
        self.create_dynamic_frame = DynamicFrameReader(self)
        self.create_data_frame = DataFrameReader(self)
        self.write_dynamic_frame = DynamicFrameWriter(self)
        self.write_data_frame = DataFrameWriter(self)

    # --- sources -----------------------------------------------------------------------------------------------

    def create_dynamic_frame_from_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        """connection_type 's3' (csv, json, parquet, orc) or a JDBC type (the local PostgreSQL)."""
        options = dict(connection_options or {})
        if connection_type in writing.JDBC_TYPES:
            return DynamicFrame(writing.read_jdbc(self.spark_session, options), self, transformation_ctx)
        if connection_type != "s3":
            unsupported(f"create_dynamic_frame.from_options(connection_type={connection_type!r})")
        if push_down_predicate:  # silently reading every partition would hide the difference
            unsupported("create_dynamic_frame.from_options(push_down_predicate=...)", "from_catalog prunes partitions")
        df = reading.from_options(self.spark_session, options, format or "", format_options or {}, transformation_ctx)
        frame = DynamicFrame(df, self, transformation_ctx)
        if (format or "").lower() in reading.TEXT_FORMATS:
            frame._text_columns = frozenset(df.columns)
        return frame

    def create_dynamic_frame_from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        if database is None or table_name is None:
            raise ValueError("create_dynamic_frame.from_catalog needs database and table_name")
        df, fmt = reading.from_catalog(
            self.spark_session, database, table_name, transformation_ctx, push_down_predicate,
            dict(additional_options or {}), catalog_id,
        )  # fmt: skip
        frame = DynamicFrame(df, self, table_name)
        if fmt in reading.TEXT_FORMATS:
            frame._text_columns = frozenset(df.columns)
        return frame

    def create_data_frame_from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> Any:
        frame = self.create_dynamic_frame_from_catalog(
            database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate, additional_options,
            catalog_id, **kwargs
        )  # fmt: skip
        return frame.toDF()

    def create_data_frame_from_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> Any:
        return self.create_dynamic_frame_from_options(
            connection_type, connection_options, format, format_options, transformation_ctx, push_down_predicate
        ).toDF()

    # --- sinks -------------------------------------------------------------------------------------------------

    def getSink(
        self, connection_type: str, format: str | None = None, transformation_ctx: str = "", **options: Any
    ) -> DataSink:
        if connection_type != "s3":
            unsupported(f"getSink(connection_type={connection_type!r})")
        sink = DataSink(self, options)
        if format:
            sink.setFormat(format)
        return sink

    def write_dynamic_frame_from_options(
        self,
        frame: DynamicFrame,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        options = dict(connection_options or {})
        if connection_type in writing.JDBC_TYPES:
            writing.write_jdbc(frame.toDF(), options)
            return frame
        if connection_type != "s3":
            unsupported(f"write_dynamic_frame.from_options(connection_type={connection_type!r})")
        if not options.get("path"):
            raise ValueError("connection_options needs 'path' for connection_type='s3'")
        fmt_options = dict(format_options or {})
        if options.get("compression"):
            fmt_options.setdefault("compression", options["compression"])
        writing.write_s3(
            frame.toDF(), options["path"], format or "", fmt_options, list(options.get("partitionKeys") or [])
        )
        return frame

    def write_from_options(
        self,
        frame_or_dfc: Any,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        **kwargs: Any,
    ) -> Any:
        if not isinstance(frame_or_dfc, DynamicFrame):
            unsupported("write_from_options with a DynamicFrameCollection")
        return self.write_dynamic_frame_from_options(
            frame_or_dfc, connection_type, connection_options, format, format_options, transformation_ctx
        )

    def write_dynamic_frame_from_catalog(
        self,
        frame: DynamicFrame,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        """Appends to the table's location in its format; with `enableUpdateCatalog` in additional_options the
        new partitions (and, under UPDATE_IN_DATABASE, the default, the schema) reach the catalog."""
        from awsglue._glueflow import catalog

        if database is None or table_name is None:
            raise ValueError("write_dynamic_frame.from_catalog needs database and table_name")
        options = dict(additional_options or {})
        table = catalog.get_table(database, table_name, catalog_id)
        fmt = reading.table_format(table)
        keys = list(options.get("partitionKeys") or [k["Name"] for k in table.get("PartitionKeys", [])])
        location = table["StorageDescriptor"]["Location"]
        write_options = {**(reading.table_csv_options(table) if fmt == "csv" else {}), **options}
        if fmt == "csv":
            write_options["writeHeader"] = write_options.get("withHeader", False)
        df = frame.toDF()
        writing.write_s3(df, location, fmt, write_options, keys)
        if writing._truthy(options.get("enableUpdateCatalog", False)):  # else Glue leaves the catalog alone
            update = {**write_options, "updateBehavior": options.get("updateBehavior", "UPDATE_IN_DATABASE")}
            writing.update_catalog(df, database, table_name, location, fmt, keys, update)
        return frame

    def write_data_frame_from_catalog(
        self,
        frame: Any,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> Any:
        return self.write_dynamic_frame_from_catalog(
            DynamicFrame(frame, self, table_name or ""), database, table_name, redshift_tmp_dir, transformation_ctx,
            additional_options, catalog_id,
        )  # fmt: skip

    def write_dynamic_frame_from_jdbc_conf(
        self,
        frame: DynamicFrame,
        catalog_connection: str,
        connection_options: Mapping[str, Any] | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        catalog_id: str | None = None,
    ) -> DynamicFrame:
        """Locally every connection is the local PostgreSQL (see extract_jdbc_conf); rows are appended."""
        writing.write_jdbc(frame.toDF(), dict(connection_options or {}))
        return frame

    def write_from_jdbc_conf(
        self,
        frame_or_dfc: Any,
        catalog_connection: str,
        connection_options: Mapping[str, Any] | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        catalog_id: str | None = None,
    ) -> Any:
        return self.write_dynamic_frame_from_jdbc_conf(
            frame_or_dfc, catalog_connection, connection_options, redshift_tmp_dir, transformation_ctx, catalog_id
        )

    def extract_jdbc_conf(self, connection_name: str, catalog_id: str | None = None) -> dict[str, Any]:
        return writing.jdbc_conf(connection_name)

    # --- housekeeping ------------------------------------------------------------------------------------------

    def purge_s3_path(
        self, s3_path: str, options: Mapping[str, Any] | None = None, transformation_ctx: str = ""
    ) -> None:
        """Deletes the files under s3_path older than `retentionPeriod` hours (Glue's default: 168). A purge of
        everything (0) waits for the next write to the path, which then replaces it atomically (writing.py)."""
        opts = dict(options or {})
        retention = float(opts.get("retentionPeriod", 168))
        if retention == 0 and not opts.get("excludeStorageClasses"):
            writing.defer_purge(s3_path)
            return
        paths.purge(s3_path, retention, opts.get("excludeStorageClasses"))

    def get_logger(self) -> GlueLogger:
        return GlueLogger()

    def currentTimeMillis(self) -> int:
        return int(time.time() * 1000)

    def convert_resolve_option(self, path: str, action: str, target: Any) -> Any:
        from awsglue.dynamicframe import ResolveOption

        return ResolveOption(path, action, target)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        unsupported(f"GlueContext.{name}")

    getSource = stub("GlueContext.getSource")
    getStreamingSource = stub("GlueContext.getStreamingSource")
    get_catalog_schema_as_spark_schema = stub("GlueContext.get_catalog_schema_as_spark_schema")
    create_dynamic_frame_from_rdd = stub("GlueContext.create_dynamic_frame_from_rdd")
    create_sample_dynamic_frame_from_catalog = stub("GlueContext.create_sample_dynamic_frame_from_catalog")
    create_sample_dynamic_frame_from_options = stub("GlueContext.create_sample_dynamic_frame_from_options")
    purge_table = stub("GlueContext.purge_table")
    transition_table = stub("GlueContext.transition_table")
    transition_s3_path = stub("GlueContext.transition_s3_path")
    getSampleStreamingDynamicFrame = stub("GlueContext.getSampleStreamingDynamicFrame")
    forEachBatch = stub("GlueContext.forEachBatch")
    add_ingestion_time_columns = stub("GlueContext.add_ingestion_time_columns")
    start_transaction = stub("GlueContext.start_transaction")
    commit_transaction = stub("GlueContext.commit_transaction")
    cancel_transaction = stub("GlueContext.cancel_transaction")
