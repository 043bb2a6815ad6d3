"""The plain-PySpark floor of sales_analytics: `python -m benchmarks.spark_floor SALES CUSTOMERS OUT`.

The same outputs as the process_sales job (sales_clean and daily_sales partitioned by order_date, customer_metrics,
the rejected lines as quarantine), written the way a Spark developer would write them by hand: no glueflow_lib,
no bookmarks, no catalog. It builds the session first and times only the work after it (the job's
StartedOn→CompletedOn includes whatever set-up the runtime still does). Prints `FLOOR_SECONDS <s>`.

- The first run's floor: full tiered JIT, the best case for a large input.
- The bookmarked rerun's floor (`--previous-metrics`, SALES naming only the new files): the increment's outputs,
  customer_metrics updated from the previous ones, on a JVM started and warmed the way the runtime warms a spare
  (C1 JIT, launcher.warm_up_steps and warm_up.pipeline_steps), as the job's rerun gets it. With `--again` the same work
  runs a second time in that JVM (`FLOOR_AGAIN_SECONDS`): what a runtime that kept one JVM across runs and met
  the same plans again could reach.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SALES_SCHEMA = (
    "order_id string, customer_id string, product_id string, quantity string, price string, order_date string, "
    "region string, _corrupt_record string"
)


def run(spark: Any, sales: str | list[str], customers_path: str, out: str, previous_metrics: str | None = None) -> None:
    """Every output under `out`; with `previous_metrics` (a rerun), customer_metrics adds this batch to them."""
    from pyspark.sql import functions as F

    raw = spark.read.csv(sales, schema=SALES_SCHEMA, header=True, columnNameOfCorruptRecord="_corrupt_record")
    customers = spark.read.csv(customers_path, header=True)
    typed = raw.select(
        F.expr("try_cast(trim(order_id) AS bigint)").alias("order_id"),
        F.trim("customer_id").alias("customer_id"),
        F.trim("product_id").alias("product_id"),
        F.expr("try_cast(trim(quantity) AS int)").alias("quantity"),
        F.expr("try_cast(trim(price) AS double)").alias("price"),
        F.expr("try_cast(trim(order_date) AS date)").alias("order_date"),
        F.trim("region").alias("region"),
        "_corrupt_record",
    )
    known = customers.select(F.trim("customer_id").alias("customer_id"), F.lit(True).alias("_known"))
    flagged = typed.join(F.broadcast(known), "customer_id", "left").withColumn(
        "_bad",
        F.col("_corrupt_record").isNotNull()
        | F.col("order_id").isNull()
        | F.col("quantity").isNull()
        | F.col("price").isNull()
        | F.col("order_date").isNull()
        | (F.col("quantity") <= 0)
        | (F.col("price") < 0)
        | F.col("_known").isNull(),
    )
    flagged = flagged.withColumn("total_amount", F.round(F.col("quantity") * F.col("price"), 2)).cache()
    flagged.filter("_bad").drop("_known", "_bad").write.mode("overwrite").parquet(f"{out}/quarantine")
    clean = flagged.filter("NOT _bad").drop("_known", "_bad", "_corrupt_record").dropDuplicates(["order_id"])
    clean.repartition("order_date").write.mode("overwrite").partitionBy("order_date").parquet(f"{out}/sales_clean")
    daily = clean.groupBy("order_date", "region").agg(
        F.round(F.sum("total_amount"), 2).alias("daily_revenue"),
        F.count("order_id").alias("daily_orders"),
        F.countDistinct("customer_id").alias("unique_customers"),
    )
    daily.coalesce(1).write.mode("overwrite").partitionBy("order_date").parquet(f"{out}/daily_sales")
    people = customers.select(F.trim("customer_id").alias("customer_id"), "name", "status")
    metrics = customer_metrics(spark, clean, people, previous_metrics)
    metrics.coalesce(1).write.mode("overwrite").parquet(f"{out}/customer_metrics")


def customer_metrics(spark: Any, clean: Any, people: Any, previous_metrics: str | None) -> Any:
    """Spent, orders and average per customer: this batch's, added to `previous_metrics` when given."""
    from pyspark.sql import functions as F

    totals = clean.groupBy("customer_id").agg(F.sum("total_amount").alias("spent"), F.count("order_id").alias("orders"))
    if previous_metrics:
        stored = spark.read.parquet(previous_metrics).select(
            "customer_id", F.col("total_spent").alias("spent"), F.col("total_orders").alias("orders")
        )
        totals = (
            stored.unionByName(totals)
            .groupBy("customer_id")
            .agg(F.sum("spent").alias("spent"), F.sum("orders").alias("orders"))
        )
    return totals.join(people, "customer_id", "left").select(
        "customer_id",
        "name",
        "status",
        F.round("spent", 2).alias("total_spent"),
        F.col("orders").alias("total_orders"),
        F.round(F.col("spent") / F.col("orders"), 2).alias("avg_order_value"),
    )


def _spare_like_session(work: Path) -> Any:
    """A session started and warmed as the runtime warms a spare (launcher.main's `--spark` path), every step
    run (launcher.warm_up_every_step)."""
    from glueflow.local.launcher import build_session, warm_up_every_step

    spark = build_session("spark-floor", work)
    warm_up_every_step(spark, work)
    return spark


def _timed(spark: Any, sales: str | list[str], customers: str, out: str, previous_metrics: str | None) -> float:
    started = time.perf_counter()
    run(spark, sales, customers, out, previous_metrics)
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    from glueflow.local.launcher import build_session

    parser = argparse.ArgumentParser(prog="python -m benchmarks.spark_floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("sales", help="the sales CSV folder, or comma-separated files (a rerun: the new ones)")
    parser.add_argument("customers", help="the customers CSV folder")
    parser.add_argument("out", help="folder the outputs are written under")
    parser.add_argument("--previous-metrics", help="a rerun: the customer_metrics Parquet folder to update")
    parser.add_argument("--again", action="store_true", help="a rerun: time the same work a second time")
    args = parser.parse_args(argv[1:])
    sales = args.sales.split(",") if "," in args.sales else args.sales
    with tempfile.TemporaryDirectory(prefix="glueflow-floor-") as work:
        if args.previous_metrics:
            spark = _spare_like_session(Path(work))
        else:
            spark = build_session("spark-floor", Path(work), jit="tiered")
            spark.range(1).count()  # the session is up; the floor is the work after it
        seconds = _timed(spark, sales, args.customers, args.out, args.previous_metrics)
        print(f"FLOOR_SECONDS {seconds:.3f}", flush=True)
        if args.again:
            again = _timed(spark, sales, args.customers, f"{args.out}/again", args.previous_metrics)
            print(f"FLOOR_AGAIN_SECONDS {again:.3f}", flush=True)
        spark.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
