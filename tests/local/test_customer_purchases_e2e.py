"""The issue's "done when": customer_purchases end to end on the local runtime, with real crawlers and Spark."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from glueflow.local.provision import deploy
from glueflow.local.runtime import LocalRuntime
from glueflow.spec import load_deployment

from .helpers import finished_run, node_runs

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _columns(table: dict) -> list[tuple[str, str]]:
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def test_customer_purchases_runs_end_to_end(project: Path) -> None:
    deployment = load_deployment("local", "customer_purchases", root=project)
    deploy(deployment)
    pipeline = deployment.tfvars.pipelines["customer_purchases"]
    with LocalRuntime.for_deployment(deployment) as runtime:
        run_id = runtime.call("StartWorkflowRun", {"Name": pipeline.workflow_name})["RunId"]
        run = finished_run(runtime, pipeline.workflow_name, run_id, timeout=240)
        tables = {
            t["Name"]: t for t in runtime.call("GetTables", {"DatabaseName": pipeline.database_name})["TableList"]
        }

    assert run["Status"] == "COMPLETED"
    states = {
        name: [r.get("JobRunState") or r.get("State") for r in node_runs(run, name)]
        for name in (
            pipeline.crawlers["source"].name,
            pipeline.jobs["map_purchases"].name,
            pipeline.crawlers["target"].name,
        )
    }
    assert list(states.values()) == [["SUCCEEDED"], ["SUCCEEDED"], ["SUCCEEDED"]], states
    assert run["Statistics"]["TotalActions"] == 3 and run["Statistics"]["SucceededActions"] == 3

    assert _columns(tables["input"]) == [
        ("customer_id", "bigint"),
        ("name", "string"),
        ("email", "string"),
        ("purchase_amount", "double"),
        ("purchase_date", "string"),
    ]
    assert _columns(tables["output"]) == [
        ("customer_id", "int"),
        ("customer_name", "string"),
        ("email", "string"),
        ("purchase_amount", "double"),
        ("purchase_date", "string"),
    ]
    output = deployment.state_dir / "s3" / deployment.tfvars.environment.buckets.processed / "output"
    parquet = pq.read_table(sorted(output.glob("*.parquet")))
    assert parquet.num_rows == 5
    assert str(parquet.schema.field("customer_id").type) == "int32"
    assert str(parquet.schema.field("purchase_amount").type) == "double"
    rows = sorted(parquet.to_pylist(), key=lambda r: r["customer_id"])
    assert [(r["customer_id"], r["customer_name"], r["purchase_amount"]) for r in rows] == [
        (1, "John Doe", 150.0),
        (2, "Jane Smith", 200.0),
        (3, "Bob Johnson", 75.0),
        (4, "Alice Brown", 300.0),
        (5, "Charlie Wilson", 125.0),
    ]
