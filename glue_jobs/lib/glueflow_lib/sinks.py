"""Parquet writes. Partitioned writes use dynamic partition overwrite: only the partitions present in the data
are replaced, so rerunning a run (or reprocessing a day) replaces that day instead of appending a duplicate.
Writes are atomic (storage.write_atomically): a failed or killed job leaves the previous output readable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glueflow_lib.storage import write_atomically


def write_parquet(df: Any, path: str, partition_by: Sequence[str] = ()) -> None:
    """Write `df` as Parquet under `path`.

    With `partition_by`, Hive-style folders (`order_date=2024-01-15/`) and dynamic partition overwrite; without,
    the whole path is replaced. Works the same on Glue (s3:// paths) and locally.

    A partitioned write first gathers each partition's rows into one task: one file per partition folder instead
    of one per task and folder (a year of dates from 2 tasks was 732 small files, each paying a writer's set-up).
    """
    if partition_by:
        # A number of partitions keeps adaptive execution from coalescing a small output (a year of daily rows)
        # into one task that writes every folder alone; as many tasks as cores write side by side.
        df = df.repartition(df.sparkSession.sparkContext.defaultParallelism, *partition_by)
    write_atomically(path, parquet_writer(df, partition_by).parquet, partitioned=bool(partition_by))


def parquet_writer(df: Any, partition_by: Sequence[str] = ()) -> Any:
    """`df`'s writer as every write here uses it: overwrite; with `partition_by`, Hive-style folders and dynamic
    partition overwrite. For writers that hand their own write function to write_atomically."""
    writer = df.write.mode("overwrite")
    if partition_by:
        writer = writer.option("partitionOverwriteMode", "dynamic").partitionBy(*partition_by)
    return writer
