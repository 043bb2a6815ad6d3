"""Catalog reads and bookmarked incremental reads.

- `read_table`: a Data Catalog table. On Glue with a `transformation_ctx`, through
  `create_dynamic_frame.from_catalog` so Glue's bookmarks skip what a committed run processed; locally through
  the Spark catalog (the runtime registers the catalog's tables) and the local bookmark files.
- `read_csv_files`: raw CSV files read line by line as strings, so no line is lost: a line with the wrong
  number of fields keeps its text in `_corrupt_record` (Spark would otherwise truncate or pad it, and a one-line
  file would be swallowed as a header). Pair it with `glueflow_lib.quarantine.parse_columns`.
- `read_table_lines`: the same for a crawled CSV catalog table (its files, header and separator).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from glueflow_lib import storage
from glueflow_lib.context import JobContext

CORRUPT = "_corrupt_record"
SOURCE_FILE = "_source_file"


def _quoted(database: str, table: str) -> str:
    return f"`{database}`.`{table}`"


def read_table(job: JobContext, database: str, table: str, transformation_ctx: str | None = None) -> Any:
    """The table as a DataFrame; with `transformation_ctx` and bookmarks enabled, only files not yet processed."""
    if job.on_glue:
        if transformation_ctx is None:
            return job.spark.table(_quoted(database, table))
        frame = job.glue_context.create_dynamic_frame.from_catalog(
            database=database, table_name=table, transformation_ctx=transformation_ctx
        )
        return frame.toDF()
    df = job.spark.table(_quoted(database, table))
    if transformation_ctx is None or job.bookmarks is None:
        return df
    from pyspark.sql import functions as F

    files = {uri: _local_mtime(uri) for uri in df.inputFiles()}
    fresh = job.bookmarks.new_files(transformation_ctx, files)
    job.count(f"files_new_{transformation_ctx}", len(fresh))
    if len(fresh) == len(files):
        return df
    # input_file_name() reports the same URIs as inputFiles(); no pruning, but exact.
    return df.filter(F.input_file_name().isin(sorted(fresh)))


def _local_mtime(uri: str) -> int:
    path = Path(unquote(urlparse(uri).path))
    return int(path.stat().st_mtime * 1000) if path.exists() else 0


def read_csv_files(
    job: JobContext,
    path: str,
    columns: Sequence[str],
    transformation_ctx: str | None = None,
    header: bool = True,
) -> Any:
    """Every line of the CSV files under `path` as string columns `columns` + `_corrupt_record` + `_source_file`.

    With `transformation_ctx`, a bookmarked read: only files a committed run has not processed are read.
    Header lines (a line equal to `columns`) are dropped when `header` is true.
    """
    if job.on_glue:
        df = _read_csv_glue(job, path, columns, transformation_ctx)
    else:
        df = _read_csv_local(job, path, columns, transformation_ctx)
    return _without_header_lines(df, columns) if header else df


def _without_header_lines(df: Any, columns: Sequence[str]) -> Any:
    """Drops the lines that repeat the header (every column equal to its name); malformed lines are kept."""
    from pyspark.sql import functions as F

    is_header = F.lit(True)
    for name in columns:
        is_header = is_header & (F.lower(F.trim(F.col(name))) == name.lower())
    return df.filter(F.col(CORRUPT).isNotNull() | ~F.coalesce(is_header, F.lit(False)))


def _string_schema(columns: Sequence[str]) -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    return StructType([StructField(name, StringType()) for name in [*columns, CORRUPT]])


def _read_csv_local(job: JobContext, path: str, columns: Sequence[str], ctx: str | None) -> Any:
    from pyspark.sql import functions as F

    files = storage.list_files(path)
    if ctx is not None and job.bookmarks is not None:
        files = job.bookmarks.new_files(ctx, files)
    job.count(f"files_read_{ctx or 'csv'}", len(files))
    schema = _string_schema(columns)
    # With CSV column pruning, a query that needs only _corrupt_record parses too few fields to notice a line
    # with the wrong field count (SPARK-21610); always parse whole lines so malformed ones are never missed.
    job.spark.conf.set("spark.sql.csv.parser.columnPruning.enabled", "false")
    if not files:
        return job.spark.createDataFrame([], schema).withColumn(SOURCE_FILE, F.lit(None).cast("string"))
    df = job.spark.read.csv(
        sorted(files),
        schema=schema,
        header=False,
        mode="PERMISSIVE",
        columnNameOfCorruptRecord=CORRUPT,
    )
    return df.withColumn(SOURCE_FILE, F.input_file_name())


def _read_csv_glue(job: JobContext, path: str, columns: Sequence[str], ctx: str | None) -> Any:
    """On Glue the DynamicFrame reader keeps the bookmark; it names fields col0..colN and keeps ragged lines."""
    frame = job.glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [path], "recurse": True},
        format="csv",
        format_options={"withHeader": False, "separator": ","},
        transformation_ctx=ctx or "",
    )
    return csv_lines(frame, columns, header=False)


def csv_lines(frame: Any, columns: Sequence[str], header: bool = True) -> Any:
    """A header-less CSV DynamicFrame (fields col0..colN, as Glue's reader names them) as the lines of
    `read_csv_files`: string `columns`, `_corrupt_record` (the line's text when its field count is wrong) and
    `_source_file`; with `header`, lines equal to the column names are dropped."""
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    raw = frame if isinstance(frame, DataFrame) else frame.toDF()  # DataFrame.toDF() would need column names
    present = [c for c in raw.columns if c.startswith("col")]
    fields = [
        F.col(c).cast("string") if c in present else F.lit(None).cast("string")
        for c in (f"col{i}" for i in range(len(columns)))
    ]
    extra = [F.col(c) for c in present if int(c[3:]) >= len(columns)]
    ragged = fields[-1].isNull()
    for column in extra:
        ragged = ragged | column.isNotNull()
    text = F.concat_ws(",", *[F.col(c).cast("string") for c in sorted(present, key=lambda c: int(c[3:]))])
    lines = raw.select(
        *[field.alias(name) for field, name in zip(fields, columns)],
        F.when(ragged, text).alias(CORRUPT),
        F.input_file_name().alias(SOURCE_FILE),
    )
    return _without_header_lines(lines, columns) if header else lines


def read_table_lines(job: JobContext, database: str, table: str) -> Any:
    """A crawled CSV table as its data columns (strings) + `_corrupt_record` + `_source_file`, line by line.

    The table's location, columns, header and delimiter come from the Data Catalog (GetTable: Glue's, or the
    local endpoint's). Glue's and Spark's CSV readers would silently drop a line's extra fields (and pad missing
    ones); read this way such a line keeps its whole text in `_corrupt_record`, so it can be quarantined.
    """
    import boto3
    from pyspark.sql import functions as F

    found = boto3.client("glue").get_table(DatabaseName=database, Name=table)["Table"]
    descriptor = found["StorageDescriptor"]
    columns = [c["Name"] for c in descriptor["Columns"]]
    serde = descriptor.get("SerdeInfo", {}).get("Parameters", {})
    skip = found.get("Parameters", {}).get("skip.header.line.count") or descriptor.get("Parameters", {}).get(
        "skip.header.line.count"
    )
    job.spark.conf.set("spark.sql.csv.parser.columnPruning.enabled", "false")  # see _read_csv_local
    df = job.spark.read.csv(
        descriptor["Location"],
        schema=_string_schema(columns),
        header=bool(skip) and int(skip) >= 1,
        sep=serde.get("field.delim", serde.get("separatorChar", ",")),
        mode="PERMISSIVE",
        columnNameOfCorruptRecord=CORRUPT,
        recursiveFileLookup=True,
    )
    return df.withColumn(SOURCE_FILE, F.input_file_name())
