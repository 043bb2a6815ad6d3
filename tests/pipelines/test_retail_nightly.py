"""retail_nightly's jobs on the sample data: the cleaning job's outputs, quarantine and data-quality results,
a data-quality failure that fails the job before anything is published, and the two python-shell jobs."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipelines.conftest import SAMPLES, assert_matches_golden

SAMPLE = SAMPLES / "retail_nightly"
DATABASE = "retail_db"
STORE = "sale_id string, store_id string, product_id string, quantity bigint, unit_price double, sale_date string, region string"
ONLINE = (
    "order_id string, customer_id string, sku string, qty string, amount double, order_ts string, ship_region string"
)


def _register(spark: Any, bucket: Path, store_csv: Path) -> None:
    from jobs.conftest import register_csv_table

    for table, source, columns in (
        ("store_sales", store_csv, STORE),
        ("online_orders", SAMPLE / "online_orders.csv", ONLINE),
    ):
        folder = bucket / "raw" / table
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, folder / f"{table}.csv")
        register_csv_table(spark, DATABASE, table, folder, columns)


def _clean_arguments(bucket: Path) -> dict[str, str]:
    return {
        "DATABASE_NAME": DATABASE,
        "CLEAN_PATH": f"{bucket}/processed/sales_clean/",
        "DQ_RESULTS_PATH": f"{bucket}/processed/dq_results/",
        "QUARANTINE_PATH": f"{bucket}/processed/quarantine/",
    }


@pytest.mark.spark
def test_clean_then_aggregate_match_goldens_with_dq_results(spark: Any, bucket: Path, local_job: Any) -> None:
    _register(spark, bucket, SAMPLE / "store_sales.csv")
    local_job("retail_nightly", "clean_sales").run(_clean_arguments(bucket))
    local_job("retail_nightly", "aggregate_sales").run(
        {"CLEAN_PATH": f"{bucket}/processed/sales_clean/", "OUTPUT_PATH": f"{bucket}/processed/"}
    )

    processed = bucket / "processed"
    assert_matches_golden(
        spark.read.parquet(str(processed / "daily_revenue")),
        "retail_nightly",
        "daily_revenue",
        keys=["sale_date", "region", "channel"],
        money=("revenue",),
    )
    assert_matches_golden(
        spark.read.parquet(str(processed / "product_performance")),
        "retail_nightly",
        "product_performance",
        keys=["product_id"],
        money=("revenue",),
    )
    results = spark.read.parquet(str(processed / "dq_results" / "sales_clean")).collect()
    assert len(results) == 7 and {r["outcome"] for r in results} == {"PASSED"}
    quarantined = spark.read.parquet(str(processed / "quarantine" / "sales")).collect()
    assert [(r["order_id"], r["_quarantine_reason"]) for r in quarantined] == [("O-5006", "qty 'two' is not a int")]


@pytest.mark.spark
def test_duplicate_order_fails_data_quality_and_publishes_nothing(
    spark: Any, bucket: Path, local_job: Any, tmp_path: Path
) -> None:
    from glueflow_lib.dq import DataQualityError

    store = tmp_path / "store_sales.csv"
    text = (SAMPLE / "store_sales.csv").read_text(encoding="utf-8")
    store.write_text(text + "S-1001,ST09,P100,1,12.50,2024-03-03,Central\n", encoding="utf-8")
    _register(spark, bucket, store)
    job = local_job("retail_nightly", "clean_sales")

    with pytest.raises(DataQualityError) as failure:
        job.run(_clean_arguments(bucket))

    assert "is_unique(order_id): 1 duplicate row(s) of 23" in str(failure.value)
    assert "column_values(region) in ['north', 'south', 'east', 'west']: 1 violating row(s) of 23" in str(failure.value)
    results = {
        r["rule"]: r for r in spark.read.parquet(str(bucket / "processed" / "dq_results" / "sales_clean")).collect()
    }
    assert results["is_unique(order_id)"]["outcome"] == "FAILED" and results["row_count > 0"]["outcome"] == "PASSED"
    assert not (bucket / "processed" / "sales_clean").exists()  # bad data never reaches the clean table
    assert not (tmp_path / "bookmark-1.json").exists()  # nothing committed


def test_error_handler_records_an_incident_and_dashboard_goes_stale(
    bucket: Path, local_job: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    incidents = bucket / "processed" / "incidents"
    local_job("retail_nightly", "handle_errors").run(
        {"INCIDENT_PATH": f"{incidents}/", "DQ_RESULTS_PATH": "/dq", "FAILED_JOB": "clean_sales"}
    )
    record = json.loads((incidents / "jr_1.json").read_text(encoding="utf-8"))
    assert record["failed_job"] == "clean_sales" and record["pipeline"] == "retail_nightly"

    dashboard = local_job("retail_nightly", "refresh_dashboard")
    dashboard.run({"DASHBOARD_PATH": f"{bucket}/dashboard/", "OUTPUT_PATH": "s3://processed/retail_nightly/"})
    latest = json.loads((bucket / "dashboard" / "latest.json").read_text(encoding="utf-8"))
    assert latest["status"] == "stale"  # outside a workflow there is no aggregate_status: never claim fresh
    now = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    fresh = dashboard.module.manifest({"aggregate_status": "SUCCEEDED", "total_revenue": "1"}, "s3://b/o/", "wr_1", now)
    assert fresh["status"] == "fresh" and fresh["tables"]["daily_revenue"] == "s3://b/o/daily_revenue"
