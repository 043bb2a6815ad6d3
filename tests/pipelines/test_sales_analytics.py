"""sales_analytics' process_sales job on the sample data: outputs equal the DuckDB-computed goldens, every bad
line is quarantined with its reason, and bookmarks make the second run read only the new file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from benchmarks.duckdb_reference import sales_tables
from pipelines.conftest import SAMPLES, assert_matches_golden

pytestmark = pytest.mark.spark
SAMPLE = SAMPLES / "sales_analytics"


@pytest.fixture
def layout(spark: Any, bucket: Path) -> dict[str, Path]:
    sales = bucket / "raw" / "raw-data" / "sales"
    customers = bucket / "raw" / "raw-data" / "customers"
    sales.mkdir(parents=True)
    customers.mkdir(parents=True)
    for name in ("sales_data.csv", "sales_data_2024-01-20.csv", "invalid_data.csv"):
        shutil.copy(SAMPLE / name, sales / name)
    shutil.copy(SAMPLE / "customer_data.csv", customers / "customer_data.csv")
    return {
        "sales": sales,
        "customers": customers,
        "output": bucket / "processed" / "sales_analytics",
        "quarantine": bucket / "quarantine",
    }


def _arguments(layout: dict[str, Path]) -> dict[str, str]:
    return {
        "SALES_PATH": f"{layout['sales']}/",
        "CUSTOMERS_PATH": f"{layout['customers']}/",
        "OUTPUT_PATH": f"{layout['output']}/",
        "QUARANTINE_PATH": f"{layout['quarantine']}/",
        "job-bookmark-option": "job-bookmark-enable",
    }


def _duckdb_outputs(sales_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    files = sorted(p for p in sales_dir.glob("*.csv") if p.name != "invalid_data.csv")
    tables = sales_tables(duckdb.connect(), files, SAMPLE / "customer_data.csv")
    return {name: rows for name, (_, rows) in tables.items()}


def _spark_rows(spark: Any, path: Path, columns: list[str]) -> list[tuple[Any, ...]]:
    return sorted(tuple(r[c] for c in columns) for r in spark.read.parquet(str(path)).collect())


def test_first_run_matches_goldens_and_quarantines_every_bad_line(spark: Any, layout: dict, local_job: Any) -> None:
    job = local_job("sales_analytics", "process_sales")
    job.run(_arguments(layout))

    output = layout["output"]
    assert_matches_golden(
        spark.read.parquet(str(output / "daily_sales")),
        "sales_analytics",
        "daily_sales",
        keys=["order_date", "region"],
        money=("daily_revenue",),
    )
    assert_matches_golden(
        spark.read.parquet(str(output / "customer_metrics")),
        "sales_analytics",
        "customer_metrics",
        keys=["customer_id"],
        money=("total_spent", "avg_order_value"),
    )
    assert sorted(p.name for p in (output / "daily_sales").iterdir() if p.is_dir())[0] == "order_date=2024-01-15"

    quarantined = spark.read.parquet(str(layout["quarantine"] / "sales")).collect()
    reasons = {r["order_id"]: r["_quarantine_reason"] for r in quarantined}
    assert reasons == {
        "invalid": "malformed line (expected 7 fields): invalid,data,format",
        "1013": "unknown customer_id 'C008'",
        "1014": "price 'N/A' is not a double",
        "1015": "quantity 0 must be positive",
        "1016": "order_date '2024-02-30' is not a date (yyyy-MM-dd)",
    }
    assert all(r["_source_file"].endswith(".csv") and r["job_run_id"] == "jr_1" for r in quarantined)


def test_an_order_sent_twice_in_one_batch_is_kept_once(spark: Any, layout: dict, local_job: Any) -> None:
    # 1001 again, in a second file of the same (first) run, with another quantity: one of the two copies is kept.
    (layout["sales"] / "resent.csv").write_text(
        "order_id,customer_id,product_id,quantity,price,order_date,region\n1001,C001,P001,3,29.99,2024-01-15,North\n",
        encoding="utf-8",
    )
    local_job("sales_analytics", "process_sales").run(_arguments(layout))

    clean = spark.read.parquet(str(layout["output"] / "sales_clean"))
    assert clean.count() == 12 and clean.filter("order_id = 1001").count() == 1
    kept = clean.filter("order_id = 1001").collect()[0]["quantity"]
    columns = ["order_date", "region", "daily_revenue", "daily_orders", "unique_customers"]
    daily = {(str(r[0]), r[1]): r[2:] for r in _spark_rows(spark, layout["output"] / "daily_sales", columns)}
    assert daily[("2024-01-15", "North")] == (round(kept * 29.99, 2), 1, 1)  # the copy sales_clean kept
    metrics = {r["customer_id"]: r for r in spark.read.parquet(str(layout["output"] / "customer_metrics")).collect()}
    first_run = 29.99 * 2 + 19.99 + 99.99  # C001's orders in the goldens, 1001 with quantity 2
    assert metrics["C001"]["total_orders"] == 3
    assert metrics["C001"]["total_spent"] == pytest.approx(first_run + (kept - 2) * 29.99)


def test_bookmarked_rerun_reads_only_new_files_and_recomputes_touched_dates(
    spark: Any, layout: dict, local_job: Any, tmp_path: Path
) -> None:
    job = local_job("sales_analytics", "process_sales")
    first_bookmark = job.run(_arguments(layout))
    state = json.loads(first_bookmark.read_text())
    assert len(state["sources"]["sales"]["files"]) == 3

    # A resend of order 1012 with a corrected quantity, and a new order on an existing date.
    (layout["sales"] / "late.csv").write_text(
        "order_id,customer_id,product_id,quantity,price,order_date,region\n"
        "1012,C001,P004,2,99.99,2024-01-20,North\n"
        "1017,C003,P001,1,29.99,2024-01-15,North\n",
        encoding="utf-8",
    )
    second_bookmark = job.run(_arguments(layout), bookmark_in=first_bookmark)

    assert len(json.loads(second_bookmark.read_text())["sources"]["sales"]["files"]) == 4
    # Only late.csv was read: the first run's bad lines were not quarantined a second time.
    assert not (layout["quarantine"] / "sales" / "job_run_id=jr_2").exists()
    clean = spark.read.parquet(str(layout["output"] / "sales_clean"))
    assert clean.count() == 13  # 12 from the first run + 1017; the resent 1012 replaced, not duplicated
    assert clean.filter("order_id = 1012").collect()[0]["quantity"] == 2

    columns = ["order_date", "region", "daily_revenue", "daily_orders", "unique_customers"]
    daily = {(str(r[0]), r[1]): r[2:] for r in _spark_rows(spark, layout["output"] / "daily_sales", columns)}
    assert daily[("2024-01-15", "North")] == (89.97, 2, 2)  # 1001 + the new 1017, recomputed from both
    assert daily[("2024-01-20", "North")] == (199.98, 1, 1)  # 1012 is now 2 × 99.99
    assert daily[("2024-01-19", "West")] == (199.98, 1, 1)  # a date no new order touched keeps its partition
    metrics = {r["customer_id"]: r for r in spark.read.parquet(str(layout["output"] / "customer_metrics")).collect()}
    assert metrics["C003"]["total_orders"] == 3 and metrics["C001"]["total_spent"] == pytest.approx(279.95)


def test_rerun_without_bookmarks_rewrites_the_same_outputs(spark: Any, layout: dict, local_job: Any) -> None:
    job = local_job("sales_analytics", "process_sales")
    job.run(_arguments(layout))
    columns = ["order_date", "region", "daily_revenue", "daily_orders", "unique_customers"]
    before = _spark_rows(spark, layout["output"] / "daily_sales", columns)
    job.run({**_arguments(layout), "job-bookmark-option": "job-bookmark-disable"})

    assert _spark_rows(spark, layout["output"] / "daily_sales", columns) == before
    assert spark.read.parquet(str(layout["output"] / "sales_clean")).count() == 12
    assert_matches_golden(  # every order replaced itself: the incremental metrics must net to the same values
        spark.read.parquet(str(layout["output"] / "customer_metrics")),
        "sales_analytics",
        "customer_metrics",
        keys=["customer_id"],
        money=("total_spent", "avg_order_value"),
    )
    assert before == [tuple(r) for r in _duckdb_outputs(layout["sales"])["daily_sales"]]


def test_an_invalid_customer_line_fails_the_run_before_any_output(spark: Any, layout: dict, local_job: Any) -> None:
    with (layout["customers"] / "customer_data.csv").open("a", encoding="utf-8") as handle:
        handle.write(",Nameless,n@example.com,2024-01-01,active\n")
    job = local_job("sales_analytics", "process_sales")
    with pytest.raises(ValueError, match=r"have invalid lines: \['customer_id is missing'\]"):
        job.run(_arguments(layout))
    assert not layout["output"].exists() and not layout["quarantine"].exists()
