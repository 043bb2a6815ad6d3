"""customer_purchases' mapping job, a stock Glue script (recipe 000's ApplyMapping) on the local awsglue layer:
the 5 sample rows map to typed columns (golden), and a row whose amount does not convert is quarantined with its
reason (glueflow_lib) instead of becoming a silent null. The catalog is a real local Glue endpoint."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from glue_layer.harness import DATABASE, glue_environment
from jobs.conftest import load_script

from pipelines.conftest import SAMPLES, assert_matches_golden

pytestmark = pytest.mark.spark
COLUMNS = ["customer_id", "name", "email", "purchase_amount", "purchase_date"]


def test_mapping_matches_golden_and_quarantines_an_unconvertible_amount(
    spark: Any, rendered: Path, tmp_path: Path
) -> None:
    with glue_environment(tmp_path, spark) as glue:
        source = glue.path("s3://raw-bucket/input/")
        source.mkdir(parents=True)
        shutil.copy(SAMPLES / "customer_purchases" / "sample-data.csv", source / "sample-data.csv")
        glue.call(
            "CreateTable",
            {
                "DatabaseName": DATABASE,
                "TableInput": {
                    "Name": "input",
                    "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
                    "StorageDescriptor": {
                        "Columns": [{"Name": c, "Type": "string"} for c in COLUMNS],
                        "Location": "s3://raw-bucket/input/",
                        "SerdeInfo": {"Parameters": {"field.delim": ","}},
                    },
                },
            },
        )
        module = load_script(rendered, "customer_purchases", "map_purchases")
        output, quarantine = glue.path("s3://out-bucket/output/"), glue.path("s3://out-bucket/quarantine/")
        # The runtime hands jobs local paths for s3:// arguments; so does this test.
        argv = ["map_purchases.py", "--JOB_NAME", "map", "--JOB_RUN_ID", "jr_1", "--DATABASE_NAME", DATABASE,
                "--OUTPUT_PATH", f"{output}/", "--QUARANTINE_PATH", f"{quarantine}/"]  # fmt: skip
        module.main(argv)
        result = spark.read.parquet(str(output))
        assert dict(result.dtypes) == {
            "customer_id": "int",
            "customer_name": "string",
            "email": "string",
            "purchase_amount": "double",
            "purchase_date": "string",
        }
        assert_matches_golden(result, "customer_purchases", "output", keys=["customer_id"])

        (source / "late.csv").write_text(
            "customer_id,name,email,purchase_amount,purchase_date\n6,Dan Ray,dan@example.com,abc,2024-01-20\n",
            encoding="utf-8",
        )
        module.main([*argv[:4], "jr_2", *argv[5:]])
        assert spark.read.parquet(str(output)).count() == 5  # purged and rewritten, not appended
        quarantined = spark.read.parquet(f"{quarantine}/input").collect()
        assert [(r["customer_id"], r["_quarantine_reason"]) for r in quarantined] == [
            ("6", "purchase_amount 'abc' is not a double")
        ]
    assert "awsglue" not in sys.modules


def test_a_line_with_extra_fields_or_bytes_that_are_not_utf8_is_quarantined_not_changed(
    spark: Any, rendered: Path, tmp_path: Path
) -> None:
    """Finding 7: a line with two extra fields was written with the extras dropped, and bytes that are not UTF-8
    became U+FFFD in the output; both are now quarantined with their reason, and the good lines still map."""
    with glue_environment(tmp_path, spark) as glue:
        source = glue.path("s3://raw-bucket/input/")
        source.mkdir(parents=True)
        (source / "mixed.csv").write_bytes(
            b"customer_id,name,email,purchase_amount,purchase_date\n"
            b"1,John Doe,john@example.com,150.00,2024-01-15\n"
            b"2,Jane Smith,jane@example.com,200.00,2024-01-16,extra,fields\n"
            b"3,Jos\xe9 Ruiz,jose@example.com,75.50,2024-01-17\n"
        )
        glue.call(
            "CreateTable",
            {
                "DatabaseName": DATABASE,
                "TableInput": {
                    "Name": "input",
                    "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
                    "StorageDescriptor": {
                        "Columns": [{"Name": c, "Type": "string"} for c in COLUMNS],
                        "Location": "s3://raw-bucket/input/",
                        "SerdeInfo": {"Parameters": {"field.delim": ","}},
                    },
                },
            },
        )
        module = load_script(rendered, "customer_purchases", "map_purchases")
        output, quarantine = glue.path("s3://out-bucket/output/"), glue.path("s3://out-bucket/quarantine/")
        module.main(
            ["map_purchases.py", "--JOB_NAME", "map", "--JOB_RUN_ID", "jr_1", "--DATABASE_NAME", DATABASE,
             "--OUTPUT_PATH", f"{output}/", "--QUARANTINE_PATH", f"{quarantine}/"]
        )  # fmt: skip
        written = spark.read.parquet(str(output)).collect()
        assert [(r["customer_id"], r["customer_name"]) for r in written] == [(1, "John Doe")]
        reasons = {
            r["customer_id"]: r["_quarantine_reason"] for r in spark.read.parquet(f"{quarantine}/input").collect()
        }
        assert set(reasons) == {"2", "3"}
        assert reasons["2"].startswith("malformed line") and "extra,fields" in reasons["2"]
        assert reasons["3"] == "line is not valid UTF-8 text"
    assert "awsglue" not in sys.modules
