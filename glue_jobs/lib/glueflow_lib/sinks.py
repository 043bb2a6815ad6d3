"""Parquet writes. Partitioned writes use dynamic partition overwrite: only the partitions present in the data
are replaced, so rerunning a run (or reprocessing a day) replaces that day instead of appending a duplicate.
Writes are atomic (storage.write_atomically): a failed or killed job leaves the previous output readable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glueflow_lib.storage import write_atomically

# Below this size (Spark's estimate of the plan) a partitioned write runs in one task, without a shuffle: hashing
# a few thousand rows by partition costs a stage of its own and buys nothing (see write_parquet).
ONE_TASK_WRITE_BYTES = 8 << 20


def write_parquet(df: Any, path: str, partition_by: Sequence[str] = ()) -> None:
    """Write `df` as Parquet under `path`.

    With `partition_by`, Hive-style folders (`order_date=2024-01-15/`) and dynamic partition overwrite; without,
    the whole path is replaced. Works the same on Glue (s3:// paths) and locally.

    A partitioned write first gathers each partition's rows into one task: one file per partition folder instead
    of one per task and folder (a year of dates from 2 tasks was 732 small files, each paying a writer's set-up).
    """
    if partition_by:
        df = _one_task_per_partition(df, partition_by)
    write_atomically(path, parquet_writer(df, partition_by).parquet, partitioned=bool(partition_by))


def _one_task_per_partition(df: Any, partition_by: Sequence[str]) -> Any:
    """`df` with all the rows of each partition value in one task: a small `df` in a single task (no shuffle), a
    larger one hashed by partition over as many tasks as cores. A number of partitions keeps adaptive execution
    from coalescing a small output (a year of daily rows) into one task that writes every folder alone."""
    if _estimated_bytes(df) < ONE_TASK_WRITE_BYTES:
        return df.coalesce(1)
    return df.repartition(df.sparkSession.sparkContext.defaultParallelism, *partition_by)


def _estimated_bytes(df: Any) -> int:
    """Spark's size estimate of `df` (its optimized plan's statistics: the files it scans, a filled cache's
    actual size), or ONE_TASK_WRITE_BYTES (not small) when Spark cannot give one."""
    try:
        return int(str(df._jdf.queryExecution().optimizedPlan().stats().sizeInBytes()))  # a Scala BigInt
    except Exception:  # Py4J or an API change: the shuffle is the safe choice for any size
        return ONE_TASK_WRITE_BYTES


def parquet_writer(df: Any, partition_by: Sequence[str] = ()) -> Any:
    """`df`'s writer as every write here uses it: overwrite; with `partition_by`, Hive-style folders and dynamic
    partition overwrite. For writers that hand their own write function to write_atomically."""
    writer = df.write.mode("overwrite")
    if partition_by:
        writer = writer.option("partitionOverwriteMode", "dynamic").partitionBy(*partition_by)
    return writer
