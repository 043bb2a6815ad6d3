"""The bench's plain-PySpark floor does the job's work: its rerun adds the increment to the previous metrics."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from benchmarks.pipelines import write_customers, write_sales
from benchmarks.spark_floor import run

pytestmark = pytest.mark.spark


def _expected_metrics(files: list[Path]) -> dict[str, tuple[float, int]]:
    """(spent, orders) per customer from the CSV lines themselves (the malformed line of each file left out)."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for file in files:
        with file.open(encoding="utf-8") as lines:
            for row in csv.DictReader(lines):
                if row["price"] is None:  # "invalid,data,format": three fields
                    continue
                totals[row["customer_id"]][0] += round(int(row["quantity"]) * float(row["price"]), 2)
                totals[row["customer_id"]][1] += 1
    return {customer: (round(spent, 2), int(orders)) for customer, (spent, orders) in totals.items()}


def _metrics(spark: Any, folder: Path) -> dict[str, tuple[float, int]]:
    rows = spark.read.parquet(str(folder)).collect()
    return {row.customer_id: (row.total_spent, row.total_orders) for row in rows}


def test_the_rerun_floor_updates_the_previous_metrics_by_the_new_files_only(spark: Any, tmp_path: Path) -> None:
    sales, customers = tmp_path / "sales", tmp_path / "customers" / "customers.csv"
    write_customers(customers, 20)
    write_sales(sales, 0, 2, 30, 20, seed=1, days=(dt.date(2024, 1, 1), 3))
    run(spark, str(sales), str(customers.parent), str(tmp_path / "first"))
    write_sales(sales, 2, 1, 30, 20, seed=2, days=(dt.date(2024, 1, 4), 1))
    increment = [str(sales / "part-00002.csv")]

    run(spark, increment, str(customers.parent), str(tmp_path / "rerun"), str(tmp_path / "first" / "customer_metrics"))

    metrics = _metrics(spark, tmp_path / "rerun" / "customer_metrics")
    expected = _expected_metrics(sorted(sales.glob("*.csv")))
    assert metrics.keys() == expected.keys()
    for customer, (spent, orders) in expected.items():
        assert metrics[customer] == (pytest.approx(spent, abs=0.011), orders), customer
    written_days = sorted(p.name for p in (tmp_path / "rerun" / "sales_clean").glob("order_date=*"))
    assert written_days == ["order_date=2024-01-04"]  # the increment's day only: no rescan of the first files
    assert spark.read.parquet(str(tmp_path / "rerun" / "quarantine")).count() == 1
