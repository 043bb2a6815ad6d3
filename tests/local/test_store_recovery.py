"""The store's transactions and the recovery of runs whose runtime died."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from glueflow.local.runtime import LocalRuntime
from glueflow.local.s3 import LocalS3
from glueflow.local.store import RUNTIME_STOPPED, Store

from .helpers import LocalProject, node_runs

P = "crashy"
WORKFLOW = "glueflow-local-crashy"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_runtimes_runs_are_finished_when_the_next_runtime_opens(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"long": p.shell_job("sleep:120"), "after": p.shell_job()},
        triggers={
            "go": {"type": "on_demand", "start": [{"job": "long"}]},
            "failed": {
                "type": "conditional",
                "when": {"all": [{"job": "long", "state": "FAILED"}]},
                "start": [{"job": "after"}],
            },
        },
    )
    p.runtime(P).close()  # deploy
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from glueflow.local.runtime import LocalRuntime
        from glueflow.spec import load_deployment
        runtime = LocalRuntime.for_deployment(load_deployment("local", "{P}", root=Path({str(p.root)!r})))
        print(runtime.call("StartWorkflowRun", {{"Name": "{WORKFLOW}"}})["RunId"], flush=True)
        time.sleep(300)
        """
    )
    doomed = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert doomed.stdout is not None
    run_id = doomed.stdout.readline().strip()
    deadline = time.monotonic() + 30
    while not p.markers_of("long"):
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    doomed.kill()
    doomed.wait()

    runtime = LocalRuntime.for_deployment(p.deployment(P))  # no deploy first: it would do the recovery itself
    p.track(runtime)
    assert runtime.recovered_runs == [run_id]
    run = runtime.call("GetWorkflowRun", {"Name": WORKFLOW, "RunId": run_id, "IncludeGraph": True})["Run"]
    assert run["Status"] == "ERROR" and run["ErrorMessage"] == RUNTIME_STOPPED
    (job_run,) = node_runs(run, "glueflow-local-crashy-long")
    assert job_run["JobRunState"] == "FAILED" and "runtime stopped" in job_run["ErrorMessage"]
    assert node_runs(run, "glueflow-local-crashy-after") == [], "a dead runtime's run fires no more triggers"
    orphan = p.markers_of("long")[0]["pid"]
    deadline = time.monotonic() + 10
    while _alive(orphan):
        assert time.monotonic() < deadline, "the orphaned job process outlived its runtime"
        time.sleep(0.1)
    assert runtime.call("GetWorkflowRun", {"Name": WORKFLOW, "RunId": run_id})["Run"]["Status"] == "ERROR"


def test_runs_of_a_live_runtime_are_left_alone(tmp_path: Path) -> None:
    live = Store(tmp_path)
    live.insert_workflow_run(
        {"Name": "w", "WorkflowRunId": "wr_1", "Status": "RUNNING", "StartedOn": 1.0}, {"Triggers": []}
    )
    other = Store(tmp_path)
    try:
        assert other.recovered == []
        assert other.workflow_run("wr_1")["Status"] == "RUNNING"
    finally:
        other.close()
        live.close()
    reopened = Store(tmp_path)
    assert reopened.recovered == ["wr_1"], "after its owner closed, a RUNNING run is recovered"
    reopened.close()


def test_a_failed_transaction_leaves_nothing_half_written(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_workflow_run({"Name": "w", "WorkflowRunId": "wr_2", "Status": "RUNNING"}, {"Triggers": []})
        store.put_job_run({"Id": "jr_1", "JobName": "j", "JobRunState": "RUNNING", "_WorkflowRunId": "wr_2"})
        raise RuntimeError("the process dies here")
    assert store.workflow_run("wr_2") is None and store.job_run("jr_1") is None
    store.close()


def test_local_s3_maps_urls_and_translates_argument_lists(tmp_path: Path) -> None:
    s3 = LocalS3(tmp_path)
    root = tmp_path.resolve() / "s3"
    assert s3.local_path("s3://bucket/a/b.csv") == f"{root}/bucket/a/b.csv"
    assert s3.local_path("s3://bucket/prefix/") == f"{root}/bucket/prefix/", "a trailing slash is kept"
    assert s3.local_path("s3://bucket") == f"{root}/bucket"
    assert s3.translate_arguments({"--X": "s3://b/one.zip,s3://b/two.zip", "--Y": "plain"}) == {
        "--X": f"{root}/b/one.zip,{root}/b/two.zip",
        "--Y": "plain",
    }
    assert s3.s3_url(f"{root}/bucket/a/b.csv") == "s3://bucket/a/b.csv"
