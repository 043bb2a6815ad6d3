"""s3:// paths a job script builds itself read and write the local bucket folders through Spark's own
filesystem layer (glueflow.local.s3_mount), and nothing lands outside them."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from .helpers import TEMPLATES, LocalProject, finished_run, node_runs

pytestmark = pytest.mark.spark
P = "s3probe"
RAW = "glueflow-local-raw-000000000000"
PROCESSED = "glueflow-local-processed-000000000000"


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_script_reads_and_writes_s3_paths_it_builds_itself(
    local_project: LocalProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = local_project
    # A fresh HOME shows any path Hadoop resolves against the home directory; the CDS cache stays where it is.
    cache = os.environ.get("GLUEFLOW_CACHE_DIR") or str(Path.home() / ".cache" / "glueflow")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("GLUEFLOW_CACHE_DIR", cache)
    monkeypatch.setenv("HOME", str(home))
    shutil.copy(TEMPLATES / "s3_paths.py.j2", p.root / "glue_jobs" / "tests" / "s3_paths.py.j2")
    p.write_pipeline(
        P,
        jobs={
            "paths": {
                "template": "tests/s3_paths.py.j2",
                "glue_version": "5.0",
                "arguments": {
                    "--RAW_BUCKET": "${bucket.raw}",
                    "--PROCESSED_BUCKET": "${bucket.processed}",
                    "--MARKER_DIR": str(p.markers),
                },
            }
        },
        triggers={"go": {"type": "on_demand", "start": [{"job": "paths"}]}},
    )
    runtime = p.runtime(P)
    orders = p.state_dir / "s3" / RAW / "orders"
    orders.mkdir(parents=True)
    (orders / "part-1.csv").write_text("id,region,amount\n1,eu,10\n2,us,20\n3,eu,30\n")
    outside_before = _files(p.root) - _files(p.state_dir / "s3")
    user_dir = Path("/user")
    user_before = _files(user_dir)

    run_id = runtime.call("StartWorkflowRun", {"Name": "glueflow-local-s3probe"})["RunId"]
    run = finished_run(runtime, "glueflow-local-s3probe", run_id, timeout=240)
    (job_run,) = node_runs(run, p.physical(P, "paths"))
    assert job_run["JobRunState"] == "SUCCEEDED", job_run.get("ErrorMessage")

    report = json.loads((p.markers / "s3_paths.json").read_text())
    assert report["sources"] == [f"s3://{RAW}/orders/part-1.csv"]  # Spark sees S3 URLs, as on Glue
    assert report["rows"] == [
        '{"amount": "10", "id": "1", "region": "eu"}',
        '{"amount": "20", "id": "2", "region": "us"}',
        '{"amount": "30", "id": "3", "region": "eu"}',
    ]
    assert report["ids"] == 3
    bucket = p.state_dir / "s3" / PROCESSED
    assert sorted(d.name for d in (bucket / "orders_by_region").iterdir() if d.is_dir()) == ["region=eu", "region=us"]
    assert (bucket / "orders_by_region" / "_SUCCESS").is_file() and (bucket / "ids" / "_SUCCESS").is_file()
    assert not list(bucket.rglob("_temporary")), "the committer left its temporary folder behind"
    # Nothing outside the bucket folders: no parquet or json part files, no home-relative paths, no /user/<name>.
    written = (_files(p.root) - _files(p.state_dir / "s3")) - outside_before
    assert not [f for f in written if f.name.startswith(("part-", "_SUCCESS")) or "_temporary" in f.parts]
    assert not _files(home)
    assert _files(user_dir) == user_before
