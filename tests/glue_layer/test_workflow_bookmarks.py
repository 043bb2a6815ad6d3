"""Job bookmarks through the real runtime: a stock script reading with transformation_ctx, bookmarks enabled in
the pipeline; a rerun after one new file reads only that file, and a failed run moves nothing."""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.local.helpers import LocalProject

from .workflows import PROCESSED, RAW, add_script, bucket, job_log, job_run

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _clicks(records: list[dict[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def test_bookmarked_rerun_reads_only_the_new_file(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        "clicks",
        jobs={
            "ingest": {
                "template": add_script(p, "bookmarked_ingest"),
                "glue_version": "5.0",
                "bookmarks": "enable",
                "arguments": {
                    "--input_path": "s3://${bucket.raw}/clicks/",
                    "--output_path": "s3://${bucket.processed}/clicks/",
                },
            }
        },
        triggers={"go": {"type": "on_demand", "start": [{"job": "ingest"}]}},
    )
    runtime = p.runtime("clicks")
    raw = bucket(p, RAW) / "clicks"
    raw.mkdir(parents=True)
    (raw / "day1.json").write_text(_clicks([{"page": "a"}, {"page": "b"}]))

    def run() -> dict[str, object]:
        run_id = runtime.call("StartWorkflowRun", {"Name": "glueflow-local-clicks"})["RunId"]
        runtime.engine.wait_for_workflow_run(run_id, 300)
        graph = runtime.call("GetWorkflowRun", {"Name": "glueflow-local-clicks", "RunId": run_id, "IncludeGraph": True})
        return job_run(p, graph["Run"], "clicks", "ingest")

    first = run()
    assert first["JobRunState"] == "SUCCEEDED", job_log(p, first["Id"])[-2000:]
    (raw / "day2.json").write_text(_clicks([{"page": "c"}]))
    second = run()
    assert second["JobRunState"] == "SUCCEEDED", job_log(p, second["Id"])[-2000:]
    assert "new records: 1" in job_log(p, second["Id"])
    out = bucket(p, PROCESSED) / "clicks"
    pages = sorted(r[0] for r in duckdb.sql(f"SELECT page FROM '{out}/*.parquet'").fetchall())
    assert pages == ["a", "b", "c"]  # day1 was not read again
    bookmark = json.loads(
        runtime.call("GetJobBookmark", {"JobName": "glueflow-local-clicks-ingest"})["JobBookmarkEntry"]["JobBookmark"]
    )
    assert sorted(f.rsplit("/", 1)[-1] for f in bookmark["sources"]["clicks_source"]["files"]) == [
        "day1.json",
        "day2.json",
    ]
