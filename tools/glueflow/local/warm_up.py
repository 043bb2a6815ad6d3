"""A spare's warm-up beyond its first query: a tiny pipeline shaped like the jobs glueflow runs, so the Spark code
they use is loaded and compiled (the spares' C1 JIT) before a job arrives instead of while it runs.

A job on a fresh spare ran the bookmarked process_sales rerun in ~5.2-6.9 s against ~2.8-3.0 s for the same job a
second time in the same JVM: the difference is the first use of code paths (the analyzer's and optimizer's rules
for joins and aggregates, shuffles, broadcasts, checkpoints, dynamic partition overwrite). These steps run each
of those once on a few rows: header-less CSV with a corrupt-record column and input_file_name, trims, try_casts
and a date pattern, reasons built with when/format_string/concat_ws, a broadcast join, groupBy aggregates,
dropDuplicates, a local checkpoint, a union, partitioned Parquet written with dynamic overwrite and read back
with a basePath, an Observation; then the same projections with interpreted expressions (small jobs run
interpreted: job_inputs.TINY_INPUT_CONF). Each step is one Spark action, so a job that arrives cuts it short.

Only the standard library and pyspark are imported here: this module runs inside job processes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

_LINES = "".join(f"{i},{i % 7},2024-01-0{1 + i % 3},{i % 4},{i * 1.5}\n" for i in range(40)) + "x,1,bad\n"
_SCHEMA = "c0 string, c1 string, c2 string, c3 string, c4 string, _corrupt_record string"


def pipeline_steps(spark: Any, work_dir: Path) -> list[Callable[[], Any]]:
    """The warm-up pipeline as separate actions (see the module docstring); every output stays in `work_dir`."""
    from pyspark.sql import functions as F

    source, out = work_dir / "warm-up-pipeline", str(work_dir / "warm-up-pipeline-out")
    source.mkdir(exist_ok=True)
    (source / "lines.csv").write_text(_LINES, encoding="utf-8")
    (source / "people.csv").write_text("".join(f"{i},name{i},north\n" for i in range(7)), encoding="utf-8")
    state: dict[str, Any] = {}

    def check() -> Any:
        lines = spark.read.csv(
            str(source / "lines.csv"), schema=_SCHEMA, mode="PERMISSIVE", columnNameOfCorruptRecord="_corrupt_record"
        ).withColumn("_source_file", F.input_file_name())
        typed = lines.select(
            "*",
            F.expr("try_cast(trim(c0) AS bigint)").alias("id"),
            F.expr("try_cast(trim(c3) AS int)").alias("qty"),
            F.expr("try_cast(trim(c4) AS double)").alias("price"),
            F.expr("try_cast(CASE WHEN trim(c2) RLIKE '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN trim(c2) END AS date)").alias(
                "day"
            ),
        )
        reason = F.concat_ws(
            "; ",
            F.when(F.col("id").isNull(), F.format_string("c0 '%s' is not a bigint", "c0")),
            F.when(F.col("qty") <= 0, F.lit("qty must be positive")),
        )
        people = spark.read.csv(str(source / "people.csv"), schema="pid string, name string, region string")
        known = F.broadcast(people.select("pid", F.lit(True).alias("_known")))
        checked = typed.join(known, typed.c1 == known.pid, "left").select(
            "*", F.when(reason != "", reason).alias("_reason"), F.round(F.col("qty") * F.col("price"), 2).alias("total")
        )
        state.update(checked=checked.cache(), people=people)
        return checked.groupBy(F.col("_reason").isNotNull().alias("bad"), "day").count().collect()

    def merge() -> Any:
        good = state["checked"].filter("_reason IS NULL").select("id", "c1", "day", "total", F.lit("new").alias("_row"))
        state["rows"] = good.dropDuplicates(["id"]).localCheckpoint(eager=True)

    def write_partitioned() -> None:
        rows = state["rows"].filter(F.col("_row").isin("new")).drop("_row")
        writer = rows.repartition("day").write.mode("overwrite").option("partitionOverwriteMode", "dynamic")
        writer.partitionBy("day").parquet(out + "/sales")

    def aggregate() -> None:
        stored = spark.read.option("basePath", out + "/sales").parquet(out + "/sales")
        daily = stored.groupBy("day", "c1").agg(
            F.round(F.sum("total"), 2).alias("revenue"), F.count("id").alias("orders"), F.countDistinct("c1")
        )
        changes = stored.select("c1", F.col("total").alias("spent")).unionByName(
            state["rows"].select("c1", (-F.col("total")).alias("spent"))
        )
        people = state["people"].select(F.col("pid").alias("c1"), "name")
        totals = changes.groupBy("c1").agg(F.sum("spent").alias("spent")).join(people, "c1", "left")
        daily.write.mode("overwrite").partitionBy("day").parquet(out + "/daily")
        totals.coalesce(1).write.mode("overwrite").parquet(out + "/totals")

    def observed_write() -> None:
        from pyspark.sql import Observation

        observation = Observation("warm_up")
        bad = state["checked"].filter("_reason IS NOT NULL").select("c0", "_reason", F.lit("run").alias("run"))
        bad.observe(observation, F.count(F.lit(1))).coalesce(1).write.mode("overwrite").partitionBy("run").parquet(
            out + "/rejected"
        )
        return observation.get

    def interpreted() -> Any:
        spark.conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        try:
            state["checked"].unpersist()
            return check()
        finally:
            spark.conf.unset("spark.sql.codegen.factoryMode")
            spark.catalog.clearCache()

    return [check, merge, write_partitioned, aggregate, observed_write, interpreted]
