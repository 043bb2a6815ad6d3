"""glueetl jobs on real Spark: catalog tables (Hive-style and unnamed partitions) registered when the job first
names them (SQL, the catalog API, spark.table), and one process per job run so a job that stops its session and crashes cannot hurt another."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .helpers import TEMPLATES, LocalProject, finished_run, node_runs

pytestmark = pytest.mark.spark
P = "probe"


def _write_data(raw: Path) -> None:
    for year, rows in (("2023", "1,1.5\n2,2.5\n"), ("2024", "3,3.5\n")):
        for folder in (raw / "sales" / f"year={year}", raw / "plain" / year):
            folder.mkdir(parents=True)
            (folder / "part.csv").write_text("id,amount\n" + rows)


def test_catalog_tables_with_partitions_are_readable_and_a_crashing_job_is_isolated(
    local_project: LocalProject,
) -> None:
    p = local_project
    shutil.copy(TEMPLATES / "spark_probe.py.j2", p.root / "glue_jobs" / "tests" / "spark_probe.py.j2")
    database = "glueflow_local_probe"
    common = {"template": "tests/spark_probe.py.j2", "glue_version": "5.0"}
    p.write_pipeline(
        P,
        crawlers={"raw": {"targets": [{"bucket": "raw", "prefix": "sales/"}, {"bucket": "raw", "prefix": "plain/"}]}},
        jobs={
            "reader": {
                **common,
                "arguments": {
                    "--MODE": "read",
                    "--DATABASE": database,
                    "--TABLES": "sales,plain",
                    "--MARKER_DIR": str(p.markers),
                },
            },
            "crasher": {**common, "arguments": {"--MODE": "crash", "--MARKER_DIR": str(p.markers)}},
        },
        triggers={
            "go": {"type": "on_demand", "start": [{"crawler": "raw"}]},
            "crawled": {
                "type": "conditional",
                "when": {"all": [{"crawler": "raw", "state": "SUCCEEDED"}]},
                "start": [{"job": "reader"}, {"job": "crasher"}],
            },
        },
    )
    runtime = p.runtime(P)
    _write_data(p.state_dir / "s3" / "glueflow-local-raw-000000000000")
    workflow = "glueflow-local-probe"
    run_id = runtime.call("StartWorkflowRun", {"Name": workflow})["RunId"]
    run = finished_run(runtime, workflow, run_id, timeout=240)

    (crasher,) = node_runs(run, p.physical(P, "crasher"))
    assert crasher["JobRunState"] == "FAILED"
    assert crasher["ErrorMessage"] == "SystemError: this job stopped its own Spark session and crashed"
    (reader,) = node_runs(run, p.physical(P, "reader"))
    assert reader["JobRunState"] == "SUCCEEDED", reader.get("ErrorMessage")
    report = json.loads((p.markers / "probe.json").read_text())
    assert report["sql_count"] == 3 and report["exists"] is True and report["listed"] == ["plain", "sales"]
    assert report["missing"] == "TABLE_OR_VIEW_NOT_FOUND"  # a table the catalog does not have stays missing
    assert report["sales"]["columns"] == [["id", "bigint"], ["amount", "double"], ["year", "string"]]
    assert report["plain"]["columns"] == [["id", "bigint"], ["amount", "double"], ["partition_0", "string"]]
    assert report["sales"]["rows"] == [
        '{"amount": 1.5, "id": 1, "year": "2023"}',
        '{"amount": 2.5, "id": 2, "year": "2023"}',
        '{"amount": 3.5, "id": 3, "year": "2024"}',
    ]
    assert len(report["plain"]["rows"]) == 3 and '"partition_0": "2024"' in report["plain"]["rows"][2]
    partitions = runtime.call("GetPartitions", {"DatabaseName": database, "TableName": "sales"})["Partitions"]
    assert sorted(part["Values"] for part in partitions) == [["2023"], ["2024"]]
