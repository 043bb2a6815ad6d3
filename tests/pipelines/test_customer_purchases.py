"""customer_purchases' mapping job on the library: the 5 sample rows map to typed columns (golden), and a row
whose amount does not convert is quarantined with its reason instead of becoming a silent null."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from pipelines.conftest import SAMPLES, assert_matches_golden

pytestmark = pytest.mark.spark
COLUMNS = "customer_id string, name string, email string, purchase_amount string, purchase_date string"


def test_mapping_matches_golden_and_quarantines_an_unconvertible_amount(
    spark: Any, bucket: Path, local_job: Any
) -> None:
    from jobs.conftest import register_csv_table

    source = bucket / "raw" / "input"
    source.mkdir(parents=True)
    shutil.copy(SAMPLES / "customer_purchases" / "sample-data.csv", source / "sample-data.csv")
    register_csv_table(spark, "purchases_db", "input", source, COLUMNS)
    job = local_job("customer_purchases", "map_purchases")
    arguments = {
        "DATABASE_NAME": "purchases_db",
        "OUTPUT_PATH": f"{bucket}/processed/output/",
        "QUARANTINE_PATH": f"{bucket}/processed/quarantine/",
    }
    job.run(arguments)
    output = spark.read.parquet(f"{bucket}/processed/output/")
    assert dict(output.dtypes) == {
        "customer_id": "int",
        "customer_name": "string",
        "email": "string",
        "purchase_amount": "double",
        "purchase_date": "string",
    }
    assert_matches_golden(output, "customer_purchases", "output", keys=["customer_id"])

    (source / "late.csv").write_text(
        "customer_id,name,email,purchase_amount,purchase_date\n6,Dan Ray,dan@example.com,abc,2024-01-20\n",
        encoding="utf-8",
    )
    spark.catalog.refreshTable("purchases_db.input")
    job.run(arguments)
    assert spark.read.parquet(f"{bucket}/processed/output/").count() == 5
    quarantined = spark.read.parquet(f"{bucket}/processed/quarantine/input").collect()
    assert [(r["customer_id"], r["_quarantine_reason"]) for r in quarantined] == [
        ("6", "purchase_amount 'abc' is not a double")
    ]


def test_a_row_with_extra_fields_or_bytes_that_are_not_utf8_is_quarantined_not_changed(
    spark: Any, bucket: Path, local_job: Any
) -> None:
    """Finding 7: a row with two extra fields was written with the extras dropped, and non-UTF-8 bytes became
    U+FFFD in the output; both are now quarantined with their reason, and the good rows still map."""
    from jobs.conftest import register_csv_table

    source = bucket / "raw" / "input"
    source.mkdir(parents=True)
    (source / "mixed.csv").write_bytes(
        b"customer_id,name,email,purchase_amount,purchase_date\n"
        b"1,John Doe,john@example.com,150.00,2024-01-15\n"
        b"2,Jane Smith,jane@example.com,200.00,2024-01-16,extra,fields\n"
        b"3,Jos\xe9 Ruiz,jose@example.com,75.50,2024-01-17\n"
    )
    register_csv_table(spark, "purchases_db", "input", source, COLUMNS)
    job = local_job("customer_purchases", "map_purchases")
    job.run(
        {
            "DATABASE_NAME": "purchases_db",
            "OUTPUT_PATH": f"{bucket}/processed/output/",
            "QUARANTINE_PATH": f"{bucket}/processed/quarantine/",
        }
    )
    output = spark.read.parquet(f"{bucket}/processed/output/")
    assert [(r["customer_id"], r["customer_name"]) for r in output.collect()] == [(1, "John Doe")]
    quarantined = {
        r["customer_id"]: r["_quarantine_reason"]
        for r in spark.read.parquet(f"{bucket}/processed/quarantine/input").collect()
    }
    assert set(quarantined) == {"2", "3"}
    assert quarantined["2"].startswith("malformed line") and "extra,fields" in quarantined["2"]
    assert quarantined["3"] == "line is not valid UTF-8 text"
