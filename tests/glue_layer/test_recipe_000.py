"""Recipe 000's job script, pasted unchanged, runs in a local workflow: crawler → stock script → 5 typed rows."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.local.helpers import LocalProject

from .workflows import PROCESSED, add_script, bucket, job_log, job_run, run_workflow

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SAMPLE = """customer_id,name,email,purchase_amount,purchase_date
1,John Doe,john@example.com,150.00,2024-01-15
2,Jane Smith,jane@example.com,200.00,2024-01-16
3,Bob Johnson,bob@example.com,75.00,2024-01-17
4,Alice Brown,alice@example.com,300.00,2024-01-18
5,Charlie Wilson,charlie@example.com,125.00,2024-01-19
"""


def test_recipe_000_script_writes_five_typed_rows(local_project: LocalProject) -> None:
    p = local_project
    (p.root / "pipelines" / "sample_data" / "sample-data.csv").write_text(SAMPLE)
    p.write_pipeline(
        "recipe000",
        crawlers={"source": {"targets": [{"bucket": "raw", "prefix": "input/"}]}},
        jobs={
            "etl": {
                "template": add_script(p, "recipe_000_etl"),
                "glue_version": "5.0",
                "arguments": {"--DATABASE_NAME": "${database}", "--OUTPUT_BUCKET": "${bucket.processed}"},
            }
        },
        triggers={
            "go": {"type": "on_demand", "start": [{"crawler": "source"}]},
            "crawled": {
                "type": "conditional",
                "when": {"all": [{"crawler": "source", "state": "SUCCEEDED"}]},
                "start": [{"job": "etl"}],
            },
        },
        sample_data=[{"bucket": "raw", "key": "input/sample-data.csv", "file": "sample_data/sample-data.csv"}],
    )
    run = run_workflow(p, "recipe000")
    etl = job_run(p, run, "recipe000", "etl")
    assert etl["JobRunState"] == "SUCCEEDED", etl.get("ErrorMessage", "") + job_log(p, etl["Id"])[-3000:]

    table = pq.read_table(bucket(p, PROCESSED) / "output")
    assert table.schema.names == ["customer_id", "customer_name", "email", "purchase_amount", "purchase_date"]
    assert table.schema.field("customer_id").type == pa.int32()
    assert table.schema.field("purchase_amount").type == pa.float64()
    assert table.schema.field("purchase_date").type == pa.string()
    rows = sorted(table.to_pylist(), key=lambda r: r["customer_id"])
    assert len(rows) == 5
    assert rows[0] == {
        "customer_id": 1,
        "customer_name": "John Doe",
        "email": "john@example.com",
        "purchase_amount": 150.0,
        "purchase_date": "2024-01-15",
    }
    assert [r["purchase_amount"] for r in rows] == [150.0, 200.0, 75.0, 300.0, 125.0]
