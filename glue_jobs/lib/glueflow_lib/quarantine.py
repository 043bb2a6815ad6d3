"""Typed parsing that never drops a row silently: each row either parses into typed columns or goes, with a
`_quarantine_reason`, to the quarantine prefix, where it is counted.

Quarantine layout: `<quarantine path>/<dataset>/job_run_id=<run>/part-*.parquet` with the raw string columns,
`_quarantine_reason`, `_source_file`, `_quarantined_at`. A rerun of the same run id replaces its partition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from glueflow_lib import storage
from glueflow_lib.context import JobContext
from glueflow_lib.sinks import parquet_writer, write_parquet
from glueflow_lib.sources import CORRUPT, SOURCE_FILE

REASON = "_quarantine_reason"
REPLACEMENT = "\ufffd"  # what a decoder puts in place of bytes that are not UTF-8
ISO_DATE = "yyyy-MM-dd"


@dataclass(frozen=True)
class Column:
    """A target column: `name` of Spark SQL `type` (bigint, double, string, date, ...), parsed from `source`."""

    name: str
    type: str = "string"
    required: bool = True
    date_format: str = ISO_DATE
    source: str | None = None

    @property
    def raw(self) -> str:
        return self.source or self.name


def _typed(column: Column) -> Any:
    from pyspark.sql import functions as F

    raw = F.trim(F.col(f"`{column.raw}`"))
    if column.type == "string":
        return raw
    if column.type == "date" and column.date_format == ISO_DATE:
        # The exact shape, then try_cast (null, never an exception, for 2024-02-30 whatever ANSI mode says).
        value = f"trim(`{column.raw}`)"
        return F.expr(
            f"try_cast(CASE WHEN {value} RLIKE '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN {value} END AS date)"
        )
    if column.type == "date":
        # Needs spark.sql.legacy.timeParserPolicy=CORRECTED (parse_columns sets it) so a bad date is null.
        return F.to_date(F.expr(f"try_to_timestamp(trim(`{column.raw}`), '{column.date_format}')"))
    return F.expr(f"try_cast(trim(`{column.raw}`) AS {column.type})")


def _problem(column: Column, raw: Any, value: Any) -> Any:
    """A reason string when this column's trimmed `raw` value is missing (and required) or its typed `value` is
    null (it does not parse), else null."""
    from pyspark.sql import functions as F

    missing = raw.isNull() | (raw == "")
    unparsable = ~missing & value.isNull()
    expected = f"a date ({column.date_format})" if column.type == "date" else f"a {column.type}"
    reason = F.when(unparsable, F.format_string(f"{column.raw} '%s' is not {expected}", raw))
    if column.required:
        reason = F.when(missing, F.lit(f"{column.raw} is missing")).otherwise(reason)
    return reason


def typed(column: Column) -> Any:
    """The typed value of `column` parsed from its raw text (null when it does not parse)."""
    return _typed(column)


def check_columns(df: Any, columns: Sequence[Column], typed_prefix: str = "_typed_") -> Any:
    """`df` plus each typed column (named `typed_prefix` + name) plus `_quarantine_reason`: null when the row
    parses, else every problem of the row (a line with the wrong field count: "malformed line ..."; bytes that
    are not UTF-8: "line is not valid UTF-8 text"), '; '-joined.

    `parse_columns` before the split: use it to add further reasons and split once (one scan, one cache).
    Each value is trimmed and parsed once, in a projection of its own, and the reason refers to those results:
    inlining every parse into the reason made a plan too large for whole-stage code generation.
    """
    from pyspark.sql import functions as F

    if any(c.type == "date" and c.date_format != ISO_DATE for c in columns):
        df.sparkSession.conf.set("spark.sql.legacy.timeParserPolicy", "CORRECTED")
    trimmed = [f"__trim_{i}" for i in range(len(columns))]
    values = [f"{typed_prefix}{c.name}" for c in columns]
    parsed = df.select(
        *[F.col(f"`{c}`") for c in df.columns],
        *[F.trim(F.col(f"`{c.raw}`")).alias(t) for c, t in zip(columns, trimmed)],
        *[_typed(c).alias(v) for c, v in zip(columns, values)],
    )
    problems = [_problem(c, F.col(t), F.col(f"`{v}`")) for c, t, v in zip(columns, trimmed, values)]
    # Bytes that are not UTF-8 reach Spark as U+FFFD: the row would be written with its text changed.
    not_utf8 = F.lit(False)
    for name in [c for c in df.columns if c != SOURCE_FILE]:
        not_utf8 = not_utf8 | F.coalesce(F.col(f"`{name}`").contains(REPLACEMENT), F.lit(False))
    problems.append(F.when(not_utf8, F.lit("line is not valid UTF-8 text")))
    if CORRUPT in df.columns:
        expected = len([c for c in df.columns if c not in (CORRUPT, SOURCE_FILE)])
        malformed = F.format_string(f"malformed line (expected {expected} fields): %s", F.col(CORRUPT))
        reason = F.when(F.col(CORRUPT).isNotNull(), malformed).otherwise(F.concat_ws("; ", *problems))
    else:
        reason = F.concat_ws("; ", *problems)
    return parsed.withColumn(REASON, F.when(reason != "", reason)).drop(*trimmed)


def parse_columns(df: Any, columns: Sequence[Column]) -> tuple[Any, Any]:
    """(valid rows with typed `columns`, invalid rows with raw columns and `_quarantine_reason`).

    A row whose line had the wrong number of fields (`_corrupt_record`, from read_csv_files) is invalid with
    reason "malformed line ...". Every problem of a row is listed in its reason, separated by '; '.
    """
    from pyspark.sql import functions as F

    prefix = "__typed_"
    checked = check_columns(df, columns, typed_prefix=prefix)
    passthrough = [c for c in df.columns if c == SOURCE_FILE]
    valid = checked.filter(F.col(REASON).isNull()).select(
        *[F.col(f"`{prefix}{c.name}`").alias(c.name) for c in columns], *[F.col(c) for c in passthrough]
    )
    invalid = checked.filter(F.col(REASON).isNotNull()).select(*[F.col(f"`{c}`") for c in df.columns], REASON)
    return valid, invalid


def _glue_type(glue_type: str) -> str:
    """ApplyMapping's type names as the Spark SQL types Column takes."""
    name = glue_type.strip().lower()
    return {"long": "bigint", "integer": "int", "short": "smallint", "byte": "tinyint"}.get(name, name)


def unconvertible(frame: Any, mappings: Sequence[Sequence[str]]) -> tuple[Any, Any]:
    """Split a DynamicFrame or DataFrame before Glue's ApplyMapping: (the rows whose mapped values all convert to
    their target types, unchanged and of the same kind as `frame`; the others as a DataFrame of text columns with
    `_quarantine_reason`). `mappings` are ApplyMapping's (source, source type, target, target type) tuples.

    Glue has no reasoned quarantine: without this split a value ApplyMapping cannot cast is lost without a word.
    """
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    dynamic = not isinstance(frame, DataFrame)  # a DataFrame has a toDF(*names) of its own: no hasattr test
    df = frame.toDF() if dynamic else frame
    sources = [m[0] for m in mappings]
    as_text = df.select(*[F.col(f"`{name}`").cast("string").alias(name) for name in sources])
    columns = [Column(f"__{i}", type=_glue_type(m[3]), source=m[0], required=False) for i, m in enumerate(mappings)]
    checked = check_columns(as_text, columns)
    good = checked.filter(F.col(REASON).isNull()).select(*[F.col(f"`{c}`") for c in sources])
    rejected = checked.filter(F.col(REASON).isNotNull()).select(*[F.col(f"`{c}`") for c in sources], REASON)
    if dynamic:
        from awsglue.dynamicframe import DynamicFrame  # type: ignore[import-not-found]

        good = DynamicFrame.fromDF(good, frame.glue_ctx, frame.name)
    return good, rejected


def malformed_lines(lines: Any) -> tuple[Any, Any]:
    """Split the output of `read_csv_files`/`read_table_lines`: (the well-formed lines with their columns, the
    lines whose field count is wrong, with `_corrupt_record`, `_source_file` and a `_quarantine_reason`)."""
    from pyspark.sql import functions as F

    bad = F.col(CORRUPT).isNotNull()
    expected = len([c for c in lines.columns if c not in (CORRUPT, SOURCE_FILE)])
    reason = F.format_string(f"malformed line (expected {expected} fields): %s", F.col(CORRUPT))
    good = lines.filter(~bad).drop(CORRUPT, SOURCE_FILE)
    return good, lines.filter(bad).withColumn(REASON, reason)


def reject(df: Any, condition: Any, reason: Any) -> tuple[Any, Any]:
    """Split on a row-level `condition` (a Column): rows where it holds get `reason` (a Column or str)."""
    from pyspark.sql import functions as F

    reason_col = F.lit(reason) if isinstance(reason, str) else reason
    flagged = df.withColumn(REASON, F.when(condition, reason_col))
    return flagged.filter(F.col(REASON).isNull()).drop(REASON), flagged.filter(F.col(REASON).isNotNull())


def write_quarantine(job: JobContext, rows: Any, path: str, dataset: str, count: int | None = None) -> int:
    """Write quarantined `rows` (all columns as strings) under `path/dataset/`; return and count how many.

    `count`: how many `rows` there are, when the caller already knows it (counted in an action it runs anyway),
    which saves a pass. Otherwise local writes count while writing; on S3 the rows are counted first, so an empty
    quarantine writes nothing (no folder, no `_SUCCESS`) either way.
    """
    from pyspark.sql import functions as F

    if count == 0:  # not even a plan to build (analysing the rows' plan alone took a bookmarked rerun 0.3-0.4 s)
        job.count(f"quarantined_{dataset}", 0)
        return 0
    as_strings = rows.select(
        *[F.col(f"`{c}`").cast("string").alias(c) for c in rows.columns],
        F.current_timestamp().alias("_quarantined_at"),
        F.lit(job.run_id).alias("job_run_id"),
    )
    target = f"{path.rstrip('/')}/{dataset}"
    if count is None and not storage.is_s3(target):
        count = _write_counted(as_strings, target)
    elif count is None:
        as_strings = as_strings.cache()
        count = as_strings.count()
        if count:
            write_parquet(as_strings, target, partition_by=["job_run_id"])
        as_strings.unpersist()
    elif count:  # write_parquet gathers the run's one partition into one task: one file, whatever feeds it
        write_parquet(as_strings, target, partition_by=["job_run_id"])
    job.count(f"quarantined_{dataset}", count)
    return count


def _write_counted(rows: Any, target: str) -> int:
    """Write `rows` (one job_run_id) to `target`'s run partition, counting them in the same pass (an
    Observation); an empty result is discarded with its staging folder instead of published. One Spark job
    instead of a count and a write over a cache."""
    from pyspark.sql import Observation
    from pyspark.sql import functions as F

    observed = Observation("quarantine")
    counted = rows.observe(observed, F.count(F.lit(1)).alias("rows"))

    def write(staging: str) -> bool:
        # All rows share the run's job_run_id: one task writes the run's one partition file, no shuffle needed.
        # Never a shuffle above the observation: when it carries no rows, adaptive execution replaces the plan
        # below it with an empty relation, the observed metrics are never reported, and `observed.get` waits
        # forever (seen with write_parquet's repartition on an empty input).
        parquet_writer(counted.coalesce(1), ["job_run_id"]).parquet(staging)
        return bool(observed.get["rows"])

    storage.write_atomically(target, write, partitioned=True)
    return int(observed.get["rows"])
