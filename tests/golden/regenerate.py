"""Recompute the golden files from the sample data with DuckDB (benchmarks.duckdb_reference under tools/), independently of Spark.

    .venv/bin/python tests/golden/regenerate.py          # rewrite tests/golden/<pipeline>/*.csv

tests/pipelines/test_goldens.py fails when a golden file no longer matches what DuckDB computes from the sample
data, so a changed sample cannot leave a stale golden behind.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent
REPO = GOLDEN.parents[1]
SAMPLES = REPO / "pipelines" / "sample_data"


def golden_tables() -> dict[str, dict[str, tuple[list[str], list[tuple[Any, ...]]]]]:
    """{pipeline: {table: (columns, rows)}} computed by DuckDB from the committed sample data."""
    import duckdb

    sys.path.insert(0, str(REPO / "tools"))
    from benchmarks import duckdb_reference as bench_duckdb

    tables: dict[str, dict[str, tuple[list[str], list[tuple[Any, ...]]]]] = {}
    sales = SAMPLES / "sales_analytics"
    con = duckdb.connect()
    tables["sales_analytics"] = bench_duckdb.sales_tables(
        con, sorted(sales.glob("sales_data*.csv")), sales / "customer_data.csv"
    )
    retail = SAMPLES / "retail_nightly"
    tables["retail_nightly"] = bench_duckdb.retail_tables(
        duckdb.connect(), retail / "store_sales.csv", retail / "online_orders.csv"
    )
    covid = SAMPLES / "covid_hiring"
    tables["covid_hiring"] = bench_duckdb.covid_tables(
        duckdb.connect(), covid / "us_covid_cases_by_state.csv", covid / "hiring_rate_by_industry.csv"
    )
    tables["customer_purchases"] = bench_duckdb.purchases_tables(
        duckdb.connect(), SAMPLES / "customer_purchases" / "sample-data.csv"
    )
    return tables


def to_csv(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    for pipeline, tables in golden_tables().items():
        for table, (columns, rows) in tables.items():
            path = GOLDEN / pipeline / f"{table}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(to_csv(columns, rows), encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
