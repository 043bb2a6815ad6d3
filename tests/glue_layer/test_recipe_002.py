"""Recipe 002's job script, pasted unchanged (plus the DynamicFrame import it forgot), runs in a local workflow
after a crawler with the recipe's layout (both CSVs under raw-data/, table prefix raw_data_) and a custom CSV
classifier (every customer column is text, so Glue's built-in classifier would see no header). Its outputs equal
DuckDB's computation on the same files."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.local.helpers import REPO_ROOT, LocalProject

from .workflows import PROCESSED, RAW, add_script, bucket, job_log, job_run, run_workflow

pytestmark = [pytest.mark.spark, pytest.mark.slow]
SAMPLES = REPO_ROOT / "pipelines" / "sample_data" / "sales_analytics"


def _pipeline(p: LocalProject) -> None:
    for name in ("sales_data.csv", "customer_data.csv"):
        shutil.copy(SAMPLES / name, p.root / "pipelines" / "sample_data" / name)
    p.write_pipeline(
        "recipe002",
        classifiers={"csv_with_header": {"csv": {"contains_header": "PRESENT", "delimiter": ","}}},
        crawlers={
            "raw": {
                "classifiers": ["csv_with_header"],
                "table_prefix": "raw_data_",
                "targets": [{"bucket": "raw", "prefix": "raw-data/"}],
            }
        },
        jobs={
            "etl": {
                "template": add_script(p, "recipe_002_etl"),
                "glue_version": "5.0",
                "arguments": {
                    "--database_name": "${database}",
                    "--table_prefix": "raw_data",
                    "--output_path": "s3://${bucket.processed}/processed-data",
                    "--TempDir": "s3://${bucket.temp}/temp/",
                    "--enable-metrics": "",
                    "--job-language": "python",
                },
            }
        },
        triggers={
            "go": {"type": "on_demand", "start": [{"crawler": "raw"}]},
            "crawled": {
                "type": "conditional",
                "when": {"all": [{"crawler": "raw", "state": "SUCCEEDED"}]},
                "start": [{"job": "etl"}],
            },
        },
        sample_data=[
            {"bucket": "raw", "key": f"raw-data/{name}", "file": f"sample_data/{name}"}
            for name in ("sales_data.csv", "customer_data.csv")
        ],
    )


def test_recipe_002_script_matches_duckdb(local_project: LocalProject) -> None:
    p = local_project
    _pipeline(p)
    run = run_workflow(p, "recipe002")
    etl = job_run(p, run, "recipe002", "etl")
    assert etl["JobRunState"] == "SUCCEEDED", etl.get("ErrorMessage", "") + job_log(p, etl["Id"])[-3000:]

    raw = bucket(p, RAW) / "raw-data"
    out = bucket(p, PROCESSED) / "processed-data"
    assert sorted(d.name for d in (out / "daily_sales").iterdir() if d.is_dir())[0] == "order_date=2024-01-15"
    enriched = (
        f"SELECT s.*, s.quantity * s.price AS total_amount, c.name, c.status FROM read_csv_auto('{raw}/sales_data.csv') s "
        f"JOIN read_csv_auto('{raw}/customer_data.csv') c USING (customer_id)"
    )
    daily = duckdb.sql(
        f"SELECT order_date::VARCHAR, region, round(SUM(total_amount), 6), COUNT(order_id), COUNT(DISTINCT customer_id) "
        f"FROM ({enriched}) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    got_daily = duckdb.sql(
        f"SELECT order_date::VARCHAR, region, round(daily_revenue, 6), daily_orders, unique_customers "
        f"FROM read_parquet('{out}/daily_sales/*/*.parquet', hive_partitioning=true) ORDER BY ALL"
    ).fetchall()
    assert got_daily == daily and len(daily) == 10
    metrics = duckdb.sql(
        f"SELECT customer_id, name, status, round(SUM(total_amount), 6), COUNT(order_id), round(AVG(total_amount), 6) "
        f"FROM ({enriched}) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    got_metrics = duckdb.sql(
        f"SELECT customer_id, name, status, round(total_spent, 6), total_orders, round(avg_order_value, 6) "
        f"FROM '{out}/customer_metrics/*.parquet' ORDER BY ALL"
    ).fetchall()
    assert got_metrics == metrics and len(metrics) == 7
