"""Reading s3/local files and catalog tables into DataFrames, with Glue's format options and partitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsglue._glueflow import bookmarks, catalog, csv_text, paths
from awsglue._glueflow.unsupported import unsupported

TEXT_FORMATS = ("csv", "json")
FORMATS = ("csv", "json", "parquet", "glueparquet", "orc")


def _files_or_empty(files: list[str]) -> list[str]:
    return [str(paths.uri_path(uri)) for uri in files]


def read_format(spark: Any, files: list[str], fmt: str, format_options: Mapping[str, Any], schema: Any = None) -> Any:
    """The files (URIs or paths) in Glue format `fmt`, as a DataFrame; `schema` (Spark DDL or StructType) wins
    over inference. CSV without a header names its columns col0…colN, as Glue does."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        unsupported(f"format={fmt!r}", f"supported formats: {', '.join(FORMATS)}")
    local = _files_or_empty(files)
    if not local:
        return _empty(spark, schema)
    # Many local files (a bookmarked read names every new one) are listed by the driver, not a Spark job: the
    # session's spark.sql.sources.parallelPartitionDiscovery.threshold (launcher.SPARK_CONF).
    if fmt == "csv":
        return _read_csv(spark, local, format_options, schema)
    if fmt == "json":
        return _read_json(spark, local, format_options, schema)
    reader = spark.read
    return reader.orc(*local) if fmt == "orc" else reader.parquet(*local)


def _empty(spark: Any, schema: Any) -> Any:
    from pyspark.sql.types import StructType

    if schema is None:
        schema = StructType([])
    return spark.createDataFrame([], schema)


def _truthy(value: Any) -> bool:
    return str(value).lower() == "true" if not isinstance(value, bool) else value


def _read_csv(spark: Any, files: list[str], options: Mapping[str, Any], schema: Any) -> Any:
    header = _truthy(options.get("withHeader", False))
    reader = (
        spark.read.option("header", str(header).lower())
        .option("sep", options.get("separator", ","))
        .option("quote", options.get("quoteChar", '"'))
        .option("multiLine", str(_truthy(options.get("multiLine", False))).lower())
    )
    if options.get("escaper"):
        reader = reader.option("escape", options["escaper"])
    if schema is not None:
        return reader.schema(schema).csv(files)
    # Glue's CSV reader types numbers and booleans; dates and timestamps stay strings until a mapping casts them.
    from pyspark.sql.types import DateType, StringType, StructField, StructType, TimestampNTZType, TimestampType

    text_width = None if header else _all_text_width(reader, files, options)
    if text_width is not None:
        # Every column infers as text: Spark's inference pass (a full parse of every file) would say the same.
        fields = [StructField(f"col{i}", StringType(), True) for i in range(text_width)]
    else:
        inferred = reader.option("inferSchema", "true").option("prefersDate", "false").csv(files)
        fields = [
            StructField(f"col{i}" if not header else f.name, f.dataType, True)
            if not isinstance(f.dataType, (DateType, TimestampType, TimestampNTZType))
            else StructField(f"col{i}" if not header else f.name, StringType(), True)
            for i, f in enumerate(inferred.schema.fields)
        ]
    if not header:
        # Glue's reader gives a line with more fields than the first extra columns (colN…); Spark's width comes
        # from the first line only. The widest line (separators counted, quotes ignored) sets the width.
        widest = _widest_line(spark, files, str(options.get("separator", ",")))
        fields += [StructField(f"col{i}", StringType(), True) for i in range(len(fields), widest)]
    return reader.schema(StructType(fields)).csv(files)


def _all_text_width(reader: Any, files: list[str], options: Mapping[str, Any]) -> int | None:
    """The column count of a header-less, single-line-record read when every column is text on some file's first
    line (so the inference pass can be skipped: see csv_text.first_lines), else None. The count is Spark's: the
    fields of its first line, read by Spark only when the files' first lines do not all agree."""
    if _truthy(options.get("multiLine", False)) or not csv_text.python_readable(files):
        return None
    found, width = csv_text.first_lines(
        files,
        str(options.get("separator", ",")),
        str(options.get("quoteChar", '"')),
        str(options.get("escaper") or "\\"),  # Spark's default escape character
    )
    if not found:
        return None
    if width is None:
        width = len(reader.csv(files).columns)
    return width if all(i in found for i in range(width)) else None


def _widest_line(spark: Any, files: list[str], separator: str) -> int:
    """The field count of the widest line (separators counted, quotes ignored) over `files`."""
    if csv_text.python_readable(files):
        return csv_text.widest_line(files, separator)
    return _widest_line_spark(spark, files, separator)


def _widest_line_spark(spark: Any, files: list[str], separator: str) -> int:
    from pyspark.sql import functions as F

    counts = spark.read.text(files).select(F.size(F.split(F.col("value"), _regex_literal(separator))).alias("n"))
    widest = counts.agg(F.max("n")).collect()[0][0]
    return int(widest or 0)


def _regex_literal(text: str) -> str:
    import re

    return re.escape(text)


def _read_json(spark: Any, files: list[str], options: Mapping[str, Any], schema: Any) -> Any:
    json_path = options.get("jsonPath")
    multi_line = _truthy(options.get("multiLine", False))
    if json_path not in (None, "", "$", "$[*]"):
        unsupported("format_options jsonPath", f"{json_path!r}; only '$[*]' (a top-level array) is supported")
    if json_path == "$[*]":
        multi_line = True
    reader = spark.read.option("multiLine", str(multi_line).lower())
    if schema is not None:
        reader = reader.schema(schema)
    return reader.json(files)


# --- from_options -----------------------------------------------------------------------------------------


def from_options(
    spark: Any,
    connection_options: Mapping[str, Any],
    fmt: str,
    format_options: Mapping[str, Any],
    transformation_ctx: str,
) -> Any:
    """An s3 source: `paths` (a list) or `path`, `recurse`, `exclusions` (a JSON list or list of globs)."""
    source_paths = connection_options.get("paths") or (
        [connection_options["path"]] if connection_options.get("path") else []
    )
    if isinstance(source_paths, str):
        source_paths = [source_paths]
    if not source_paths:
        raise ValueError("connection_options needs 'paths' (a list of s3:// paths) for connection_type='s3'")
    exclusions = connection_options.get("exclusions") or []
    if isinstance(exclusions, str):
        import json

        exclusions = json.loads(exclusions)
    files = paths.list_files(
        list(source_paths), recurse=_truthy(connection_options.get("recurse", False)), exclusions=list(exclusions)
    )
    files = bookmarks.filter_new(transformation_ctx, files)
    return read_format(spark, list(files), fmt, format_options)


# --- from_catalog -----------------------------------------------------------------------------------------


def table_format(table: Mapping[str, Any]) -> str:
    descriptor = table.get("StorageDescriptor", {})
    classification = (table.get("Parameters") or {}).get("classification", "").lower()
    hints = " ".join(
        str(x).lower()
        for x in (descriptor.get("InputFormat"), (descriptor.get("SerdeInfo") or {}).get("SerializationLibrary"))
    )
    if classification in ("csv", "json", "parquet", "orc"):
        return classification
    for name in ("parquet", "json", "orc"):
        if name in hints:
            return name
    return "csv"


def table_csv_options(table: Mapping[str, Any]) -> dict[str, Any]:
    descriptor = table.get("StorageDescriptor", {})
    serde = (descriptor.get("SerdeInfo") or {}).get("Parameters") or {}
    skip = (table.get("Parameters") or {}).get("skip.header.line.count") or (descriptor.get("Parameters") or {}).get(
        "skip.header.line.count"
    )
    options: dict[str, Any] = {"withHeader": bool(skip and int(skip) >= 1)}
    separator = serde.get("separatorChar") or serde.get("field.delim")
    if separator:
        options["separator"] = separator
    if serde.get("quoteChar"):
        options["quoteChar"] = serde["quoteChar"]
    if serde.get("escapeChar"):
        options["escaper"] = serde["escapeChar"]
    return options


def _ddl(columns: list[Mapping[str, Any]]) -> str:
    return ", ".join(f"`{c['Name']}` {c['Type']}" for c in columns)


def select_partitions(
    spark: Any, keys: list[Mapping[str, Any]], partitions: list[Mapping[str, Any]], predicate: str
) -> list[Mapping[str, Any]]:
    """The partitions whose values satisfy `predicate` (Spark SQL over the partition columns, typed as in the
    catalog), as Glue's push_down_predicate and catalogPartitionPredicate prune them before any file is listed."""
    if not predicate or not partitions:
        return partitions
    from pyspark.sql import functions as F

    rows = [(i, *p["Values"]) for i, p in enumerate(partitions)]
    names = ["__index", *[k["Name"] for k in keys]]
    table = spark.createDataFrame(rows, names)
    table = table.select("__index", *[F.col(f"`{k['Name']}`").cast(k["Type"]).alias(k["Name"]) for k in keys])
    chosen = {row[0] for row in table.filter(predicate).select("__index").collect()}
    return [p for i, p in enumerate(partitions) if i in chosen]


def from_catalog(
    spark: Any,
    database: str,
    table_name: str,
    transformation_ctx: str,
    push_down_predicate: str,
    additional_options: Mapping[str, Any],
    catalog_id: str | None,
) -> tuple[Any, str]:
    """(DataFrame, format) of a catalog table's files, read as Glue's DynamicFrame reader does: CSV and JSON
    schema-on-read (a value that does not fit the crawler's type stays text and makes a choice column, as in
    Glue's resolveChoice examples), named as the catalog names them; Parquet and ORC as written. Partitioned
    tables get their typed partition columns."""
    table = catalog.get_table(database, table_name, catalog_id)
    fmt = table_format(table)
    descriptor = table.get("StorageDescriptor", {})
    columns = descriptor.get("Columns", [])
    keys = table.get("PartitionKeys", [])
    options = {**(table_csv_options(table) if fmt == "csv" else {}), **dict(additional_options)}
    names = [c["Name"] for c in columns]
    exclusions = additional_options.get("exclusions") or []
    if not keys:
        files = paths.list_files([descriptor["Location"]], recurse=True, exclusions=list(exclusions))
        files = bookmarks.filter_new(transformation_ctx, files)
        if not files:
            return _empty(spark, _ddl(columns) if columns else None), fmt
        return _named(read_format(spark, list(files), fmt, options), fmt, names), fmt
    predicate = " AND ".join(
        f"({p})" for p in (push_down_predicate, additional_options.get("catalogPartitionPredicate")) if p
    )
    chosen = select_partitions(spark, keys, catalog.get_partitions(database, table_name), predicate)
    frames = []
    from pyspark.sql import functions as F

    for partition in chosen:
        location = partition.get("StorageDescriptor", {}).get("Location")
        files = paths.list_files([location], recurse=True, exclusions=list(exclusions)) if location else {}
        files = bookmarks.filter_new(transformation_ctx, files)
        if not files:
            continue
        df = _named(read_format(spark, list(files), fmt, options), fmt, names)
        for key, value in zip(keys, partition["Values"], strict=False):
            df = df.withColumn(key["Name"], F.lit(value).cast(key["Type"]))
        frames.append(df)
    if not frames:
        return _empty(spark, _ddl([*columns, *keys]) if columns else None), fmt
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame, allowMissingColumns=True)
    return result, fmt


def _named(df: Any, fmt: str, names: list[str]) -> Any:
    """CSV columns take the catalog's names by position (a header-less file reads as col0…colN)."""
    if fmt != "csv" or not names:
        return df
    renamed = [names[i] if i < len(names) else c for i, c in enumerate(df.columns)]
    return df.toDF(*renamed)
