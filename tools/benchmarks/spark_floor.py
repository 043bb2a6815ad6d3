"""The plain-PySpark floor of sales_analytics' first run: `python -m benchmarks.spark_floor SALES CUSTOMERS OUT`.

The same outputs as the process_sales job (sales_clean and daily_sales partitioned by order_date, customer_metrics,
the rejected lines as quarantine), written the way a Spark developer would write them by hand: no glueflow_lib,
no bookmarks, no catalog. It builds the session first and times only the work after it (the job's
StartedOn→CompletedOn includes whatever set-up the runtime still does), with full tiered JIT: the best case.
Prints `FLOOR_SECONDS <s>` on its last line.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

SALES_SCHEMA = (
    "order_id string, customer_id string, product_id string, quantity string, price string, order_date string, "
    "region string, _corrupt_record string"
)


def run(spark: object, sales: str, customers_path: str, out: str) -> None:
    from pyspark.sql import functions as F

    raw = spark.read.csv(sales, schema=SALES_SCHEMA, header=True, columnNameOfCorruptRecord="_corrupt_record")  # type: ignore[attr-defined]
    customers = spark.read.csv(customers_path, header=True)  # type: ignore[attr-defined]
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
    metrics = (
        clean.groupBy("customer_id")
        .agg(F.sum("total_amount").alias("spent"), F.count("order_id").alias("orders"))
        .join(people, "customer_id", "left")
        .select(
            "customer_id",
            "name",
            "status",
            F.round("spent", 2).alias("total_spent"),
            F.col("orders").alias("total_orders"),
            F.round(F.col("spent") / F.col("orders"), 2).alias("avg_order_value"),
        )
    )
    metrics.coalesce(1).write.mode("overwrite").parquet(f"{out}/customer_metrics")


def main(argv: list[str]) -> int:
    from glueflow.local.launcher import build_session

    sales, customers, out = argv[1:4]
    with tempfile.TemporaryDirectory(prefix="glueflow-floor-") as work:
        spark = build_session("spark-floor", Path(work), jit="tiered")
        spark.range(1).count()  # the session is up; the floor is the work after it
        started = time.perf_counter()
        run(spark, sales, customers, out)
        seconds = time.perf_counter() - started
        spark.stop()
    print(f"FLOOR_SECONDS {seconds:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
