"""Glue workflow semantics (docs/glue-semantics.md) on the local runtime, with python-shell test jobs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from glueflow.local.definitions import node_id
from glueflow.local.errors import GlueApiError
from glueflow.local.runtime import LocalRuntime

from .helpers import LocalProject, finished_run, node_runs

P = "flow"


def wf(project: LocalProject) -> str:
    return project.physical(P, "")[:-1]


def name(project: LocalProject, logical: str) -> str:
    return project.physical(P, logical)


def on_demand(*nodes: str) -> dict:
    return {"type": "on_demand", "start": [{"job": n} for n in nodes]}


def when(logical: str, *conditions: tuple[str, str], start: list[str]) -> dict:
    return {
        "type": "conditional",
        "when": {logical: [{"job": job, "state": state} for job, state in conditions]},
        "start": [{"job": n} for n in start],
    }


def start_and_finish(project: LocalProject, runtime, timeout: float = 60, **params) -> dict:
    run_id = runtime.call("StartWorkflowRun", {"Name": wf(project), **params})["RunId"]
    return finished_run(runtime, wf(project), run_id, timeout)


def test_and_fan_in_starts_successor_after_every_branch_succeeded(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"a": p.shell_job("sleep:1"), "b": p.shell_job("sleep:1.5"), "c": p.shell_job()},
        triggers={"go": on_demand("a", "b"), "both": when("all", ("a", "SUCCEEDED"), ("b", "SUCCEEDED"), start=["c"])},
    )
    runtime = p.runtime(P)
    run = start_and_finish(p, runtime)

    assert run["Status"] == "COMPLETED"
    assert run["Statistics"]["SucceededActions"] == 3 and run["Statistics"]["TotalActions"] == 3
    (a,), (b,), (c,) = (node_runs(run, name(p, n)) for n in "abc")
    assert c["StartedOn"] >= max(a["CompletedOn"], b["CompletedOn"])
    assert a["StartedOn"] < b["CompletedOn"] and b["StartedOn"] < a["CompletedOn"], (
        "independent branches run in parallel"
    )
    assert c["TriggerName"] == name(p, "both")


def test_any_predicate_fires_once_on_the_first_success(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"fast": p.shell_job(), "slow": p.shell_job("sleep:2"), "after": p.shell_job()},
        triggers={
            "go": on_demand("fast", "slow"),
            "either": when("any", ("fast", "SUCCEEDED"), ("slow", "SUCCEEDED"), start=["after"]),
        },
    )
    runtime = p.runtime(P)
    run = start_and_finish(p, runtime)

    after = node_runs(run, name(p, "after"))
    (slow,) = node_runs(run, name(p, "slow"))
    assert len(after) == 1, "a conditional trigger fires at most once per run"
    assert after[0]["StartedOn"] < slow["CompletedOn"]
    assert len(p.markers_of("after")) == 1


def test_failure_branch_starts_the_error_handler_instead_of_the_next_job(local_project: LocalProject) -> None:
    """Recipe 001: ETL job 1 fails → the error-handling job runs, ETL job 2 does not."""
    p = local_project
    p.write_pipeline(
        P,
        jobs={"clean": p.shell_job("fail"), "transform": p.shell_job(), "handle_errors": p.shell_job()},
        triggers={
            "go": on_demand("clean"),
            "cleaned": when("all", ("clean", "SUCCEEDED"), start=["transform"]),
            "clean_failed": when("all", ("clean", "FAILED"), start=["handle_errors"]),
        },
    )
    runtime = p.runtime(P)
    run = start_and_finish(p, runtime)

    assert run["Status"] == "COMPLETED", "a run whose node failed is still COMPLETED, as on Glue"
    (clean,) = node_runs(run, name(p, "clean"))
    assert clean["JobRunState"] == "FAILED"
    assert clean["ErrorMessage"] == "RuntimeError: clean failed on purpose"
    assert [r["JobRunState"] for r in node_runs(run, name(p, "handle_errors"))] == ["SUCCEEDED"]
    assert node_runs(run, name(p, "transform")) == []
    stats = run["Statistics"]
    assert (stats["TotalActions"], stats["FailedActions"], stats["SucceededActions"]) == (2, 1, 1)
    log = Path(clean["LogGroupName"], f"{clean['Id']}.log").read_text()
    assert "Traceback" in log and "clean failed on purpose" in log


def test_retry_is_a_new_attempt_and_triggers_see_only_the_final_one(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"flaky": p.shell_job("fail_once", max_retries=1), "next": p.shell_job(), "on_failure": p.shell_job()},
        triggers={
            "go": on_demand("flaky"),
            "ok": when("all", ("flaky", "SUCCEEDED"), start=["next"]),
            "failed": when("all", ("flaky", "FAILED"), start=["on_failure"]),
        },
    )
    runtime = p.runtime(P)
    run = start_and_finish(p, runtime)

    first, second = node_runs(run, name(p, "flaky"))
    assert (first["Attempt"], first["JobRunState"]) == (0, "FAILED")
    assert first["ErrorMessage"] == "ValueError: the first attempt fails"
    assert (second["Attempt"], second["JobRunState"]) == (1, "SUCCEEDED")
    assert second["PreviousRunId"] == first["Id"] and second["Id"] != first["Id"]
    assert [r["JobRunState"] for r in node_runs(run, name(p, "next"))] == ["SUCCEEDED"]
    assert node_runs(run, name(p, "on_failure")) == [], "the FAILED attempt 0 must not fire the failure branch"
    assert run["Statistics"]["TotalActions"] == 2 and run["Statistics"]["FailedActions"] == 0
    job_runs = runtime.call("GetJobRuns", {"JobName": name(p, "flaky")})["JobRuns"]
    assert [r["Attempt"] for r in job_runs] == [1, 0], "GetJobRuns lists the newest first"


def test_timeout_kills_the_job_process_and_fires_the_timeout_branch(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"stuck": p.shell_job("sleep:60", timeout_minutes=1), "alert": p.shell_job()},
        triggers={
            "go": {"type": "on_demand", "start": [{"job": "stuck", "timeout_minutes": 2}]},
            "timed_out": when("all", ("stuck", "TIMEOUT"), start=["alert"]),
        },
    )
    runtime = p.runtime(P, seconds_per_minute=0.5)  # action Timeout 2 "minutes" = 1 s here
    run = start_and_finish(p, runtime)

    (stuck,) = node_runs(run, name(p, "stuck"))
    assert stuck["JobRunState"] == "TIMEOUT" and stuck["Timeout"] == 2, "the action's Timeout overrides the job's"
    assert "timed out" in stuck["ErrorMessage"]
    assert stuck["CompletedOn"] - stuck["StartedOn"] < 15
    (marker,) = p.markers_of("stuck")
    assert "finished" not in marker
    with pytest.raises(ProcessLookupError):
        import os

        os.kill(marker["pid"], 0)
    assert [r["JobRunState"] for r in node_runs(run, name(p, "alert"))] == ["SUCCEEDED"]
    assert run["Statistics"]["TimeoutActions"] == 1


def test_stop_workflow_run_stops_running_nodes_and_starts_no_new_ones(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"long": p.shell_job("sleep:60"), "next": p.shell_job(), "on_stop": p.shell_job()},
        triggers={
            "go": on_demand("long"),
            "stopped": when("all", ("long", "STOPPED"), start=["on_stop"]),
            "done": when("all", ("long", "SUCCEEDED"), start=["next"]),
        },
    )
    runtime = p.runtime(P)
    run_id = runtime.call("StartWorkflowRun", {"Name": wf(p)})["RunId"]
    _wait_for_marker(p, "long")
    runtime.call("StopWorkflowRun", {"Name": wf(p), "RunId": run_id})
    run = finished_run(runtime, wf(p), run_id, 30)

    assert run["Status"] == "STOPPED"
    assert [r["JobRunState"] for r in node_runs(run, name(p, "long"))] == ["STOPPED"]
    assert node_runs(run, name(p, "on_stop")) == [] and node_runs(run, name(p, "next")) == []
    assert run["Statistics"]["StoppedActions"] == 1
    with pytest.raises(GlueApiError) as error:
        runtime.call("StopWorkflowRun", {"Name": wf(p), "RunId": run_id})
    assert error.value.code == "IllegalWorkflowStateException"


def _wait_for_marker(project: LocalProject, job: str, timeout: float = 30) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not project.markers_of(job):
        assert time.monotonic() < deadline, f"job {job} never started"
        time.sleep(0.05)


def test_resume_reruns_the_named_node_and_downstream_and_copies_the_rest(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"a": p.shell_job(), "b": p.shell_job("fail_once"), "c": p.shell_job()},
        triggers={"go": on_demand("a", "b"), "both": when("all", ("a", "SUCCEEDED"), ("b", "SUCCEEDED"), start=["c"])},
    )
    runtime = p.runtime(P)
    first = start_and_finish(p, runtime)
    assert [r["JobRunState"] for r in node_runs(first, name(p, "b"))] == ["FAILED"]
    assert node_runs(first, name(p, "c")) == []

    b_id = node_id("JOB", name(p, "b"))
    resumed = runtime.call("ResumeWorkflowRun", {"Name": wf(p), "RunId": first["WorkflowRunId"], "NodeIds": [b_id]})
    assert resumed["NodeIds"] == [b_id]
    second = finished_run(runtime, wf(p), resumed["RunId"])

    assert second["PreviousRunId"] == first["WorkflowRunId"] and second["Status"] == "COMPLETED"
    assert node_runs(second, name(p, "a")) == node_runs(first, name(p, "a")), "a did not re-run: it was copied"
    assert [r["JobRunState"] for r in node_runs(second, name(p, "b"))] == ["SUCCEEDED"]
    assert [r["JobRunState"] for r in node_runs(second, name(p, "c"))] == ["SUCCEEDED"]
    assert len(p.markers_of("a")) == 1 and len(p.markers_of("b")) == 2


def test_resume_refuses_a_run_that_is_not_completed_and_trigger_nodes(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(P, jobs={"long": p.shell_job("sleep:30")}, triggers={"go": on_demand("long")})
    runtime = p.runtime(P)
    run_id = runtime.call("StartWorkflowRun", {"Name": wf(p)})["RunId"]
    job_node = node_id("JOB", name(p, "long"))
    with pytest.raises(GlueApiError) as error:
        runtime.call("ResumeWorkflowRun", {"Name": wf(p), "RunId": run_id, "NodeIds": [job_node]})
    assert error.value.code == "IllegalWorkflowStateException"
    runtime.call("StopWorkflowRun", {"Name": wf(p), "RunId": run_id})
    runtime.engine.wait_for_workflow_run(run_id, 30)
    with pytest.raises(GlueApiError) as error:
        runtime.call("ResumeWorkflowRun", {"Name": wf(p), "RunId": run_id, "NodeIds": [job_node]})
    assert error.value.code == "IllegalWorkflowStateException", "a STOPPED run cannot be resumed either"


def test_workflow_max_concurrent_runs_rejects_a_second_run(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        workflow={"max_concurrent_runs": 1},
        jobs={"long": p.shell_job("sleep:30", max_concurrent_runs=2)},
        triggers={"go": on_demand("long")},
    )
    runtime = p.runtime(P)
    run_id = runtime.call("StartWorkflowRun", {"Name": wf(p)})["RunId"]
    with pytest.raises(GlueApiError) as error:
        runtime.call("StartWorkflowRun", {"Name": wf(p)})
    assert error.value.code == "ConcurrentRunsExceededException"
    runtime.call("StopWorkflowRun", {"Name": wf(p), "RunId": run_id})
    runtime.engine.wait_for_workflow_run(run_id, 30)
    second = runtime.call("StartWorkflowRun", {"Name": wf(p)})["RunId"]
    assert second != run_id, "once the first run ended, a new one may start"
    runtime.call("StopWorkflowRun", {"Name": wf(p), "RunId": second})


def test_job_max_concurrent_runs_rejects_start_job_run(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(P, jobs={"long": p.shell_job("sleep:2")}, triggers={"go": on_demand("long")})
    runtime = p.runtime(P)
    first = runtime.call("StartJobRun", {"JobName": name(p, "long")})["JobRunId"]
    with pytest.raises(GlueApiError) as error:
        runtime.call("StartJobRun", {"JobName": name(p, "long")})
    assert error.value.code == "ConcurrentRunsExceededException"
    assert runtime.engine.wait_for_job_run(first, 30)["JobRunState"] == "SUCCEEDED"


def test_run_properties_written_by_one_job_are_read_by_the_next_through_boto3(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        workflow={"default_run_properties": {"env": "${env}", "batch": "default"}},
        jobs={"writer": p.shell_job("put_property"), "reader": p.shell_job("get_property")},
        triggers={"go": on_demand("writer"), "written": when("all", ("writer", "SUCCEEDED"), start=["reader"])},
    )
    runtime = p.runtime(P)
    run = start_and_finish(p, runtime, RunProperties={"batch": "2024-01-15"})

    assert [r["JobRunState"] for r in node_runs(run, name(p, "reader"))] == ["SUCCEEDED"]
    read = (p.markers / "reader.properties.json").read_text()
    assert '"handoff": "from writer"' in read and '"batch": "2024-01-15"' in read and '"env": "local"' in read
    properties = runtime.call("GetWorkflowRunProperties", {"Name": wf(p), "RunId": run["WorkflowRunId"]})
    assert properties["RunProperties"] == {"env": "local", "batch": "2024-01-15", "handoff": "from writer"}


def test_deactivated_triggers_never_fire(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"a": p.shell_job(), "b": p.shell_job(), "c": p.shell_job()},
        triggers={
            "go": on_demand("a"),
            "disabled": {**when("all", ("a", "SUCCEEDED"), start=["b"]), "enabled": False},
            "stopped_by_api": when("all", ("a", "SUCCEEDED"), start=["c"]),
        },
    )
    runtime = p.runtime(P)
    assert runtime.call("GetTrigger", {"Name": name(p, "disabled")})["Trigger"]["State"] == "DEACTIVATED"
    runtime.call("StopTrigger", {"Name": name(p, "stopped_by_api")})
    run = start_and_finish(p, runtime)

    assert node_runs(run, name(p, "b")) == [] and node_runs(run, name(p, "c")) == []
    runtime.call("StartTrigger", {"Name": name(p, "stopped_by_api")})
    run = start_and_finish(p, runtime)
    assert [r["JobRunState"] for r in node_runs(run, name(p, "c"))] == ["SUCCEEDED"], "re-activated, it fires again"


def test_start_job_run_from_outside_the_workflow_fires_no_trigger(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"a": p.shell_job(), "b": p.shell_job()},
        triggers={"go": on_demand("a"), "after_a": when("all", ("a", "SUCCEEDED"), start=["b"])},
    )
    runtime = p.runtime(P)
    job_run_id = runtime.call("StartJobRun", {"JobName": name(p, "a")})["JobRunId"]
    finished = runtime.engine.wait_for_job_run(job_run_id, 30)

    assert finished["JobRunState"] == "SUCCEEDED" and "TriggerName" not in finished
    assert runtime.call("GetJobRuns", {"JobName": name(p, "b")})["JobRuns"] == []
    assert runtime.call("GetWorkflowRuns", {"Name": wf(p)})["Runs"] == []
    assert "--WORKFLOW_RUN_ID" not in p.markers_of("a")[0]["args"]


def test_job_arguments_merge_defaults_action_overrides_and_workflow_ids(local_project: LocalProject) -> None:
    p = local_project
    job = p.shell_job(
        arguments={"--COLOR": "red", "--SIZE": "s", "--INPUT": "s3://${bucket.raw}/in/"},
        non_overridable_arguments={"--LOCKED": "yes"},
    )
    p.write_pipeline(
        P,
        jobs={"a": job},
        triggers={
            "go": {"type": "on_demand", "start": [{"job": "a", "arguments": {"--SIZE": "xl", "--LOCKED": "no"}}]}
        },
    )
    runtime = p.runtime(P)
    run = start_and_finish(p, runtime)

    (marker,) = p.markers_of("a")
    args = marker["args"]
    assert (args["COLOR"], args["SIZE"], args["LOCKED"]) == ("red", "xl", "yes")
    assert args["JOB_NAME"] == name(p, "a") and marker["argv"][:2] == ["--JOB_NAME", name(p, "a")]
    assert args["WORKFLOW_NAME"] == wf(p) and args["WORKFLOW_RUN_ID"] == run["WorkflowRunId"]
    (job_run,) = node_runs(run, name(p, "a"))
    assert args["JOB_RUN_ID"] == job_run["Id"]
    assert args["INPUT"] == f"{p.state_dir.resolve()}/s3/glueflow-local-raw-000000000000/in/", "s3:// is local"
    assert job_run["Arguments"]["--SIZE"] == "xl" and job_run["Arguments"]["--WORKFLOW_RUN_ID"] == run["WorkflowRunId"]
    assert marker["env"]["GLUEFLOW_LOCAL"] == "1" and marker["env"]["AWS_ENDPOINT_URL_GLUE"].startswith(
        "http://127.0.0.1:"
    )


def test_a_trigger_naming_a_missing_job_records_an_error_run(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"a": p.shell_job(), "gone": p.shell_job()},
        triggers={"go": on_demand("a"), "after_a": when("all", ("a", "SUCCEEDED"), start=["gone"])},
    )
    runtime = p.runtime(P)
    with runtime.store.transaction() as conn:  # the job was deleted after the workflow was defined
        conn.execute("DELETE FROM definitions WHERE kind = 'job' AND name = ?", (name(p, "gone"),))
    run = start_and_finish(p, runtime)

    (gone,) = node_runs(run, name(p, "gone"))
    assert gone["JobRunState"] == "ERROR" and name(p, "gone") in gone["ErrorMessage"]
    assert run["Statistics"]["ErroredActions"] == 1 and run["Status"] == "COMPLETED"


def test_bookmarks_are_committed_only_by_succeeded_enabled_runs(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"inc": p.shell_job("bookmark", bookmarks="enable")},
        triggers={"go": on_demand("inc")},
    )
    runtime = p.runtime(P)
    job = name(p, "inc")
    for expected in (1, 2):
        run_id = runtime.call("StartJobRun", {"JobName": job})["JobRunId"]
        runtime.engine.wait_for_job_run(run_id, 30)
        entry = runtime.call("GetJobBookmark", {"JobName": job})["JobBookmarkEntry"]
        assert entry["JobBookmark"] == f'{{"seen": {expected}}}' and entry["RunId"] == run_id
    paused = runtime.call("StartJobRun", {"JobName": job, "Arguments": {"--job-bookmark-option": "job-bookmark-pause"}})
    runtime.engine.wait_for_job_run(paused["JobRunId"], 30)
    assert runtime.call("GetJobBookmark", {"JobName": job})["JobBookmarkEntry"]["Version"] == 2, "pause stores nothing"
    runtime.call("ResetJobBookmark", {"JobName": job})
    with pytest.raises(GlueApiError) as error:
        runtime.call("GetJobBookmark", {"JobName": job})
    assert error.value.code == "EntityNotFoundException"


def test_closing_the_runtime_stops_its_runs_without_firing_triggers(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"long": p.shell_job("sleep:60"), "on_stop": p.shell_job()},
        triggers={"go": on_demand("long"), "stopped": when("all", ("long", "STOPPED"), start=["on_stop"])},
    )
    runtime = p.runtime(P)
    run_id = runtime.call("StartWorkflowRun", {"Name": wf(p)})["RunId"]
    _wait_for_marker(p, "long")
    runtime.close()

    reopened = p.track(LocalRuntime.for_deployment(p.deployment(P)))
    run = reopened.call("GetWorkflowRun", {"Name": wf(p), "RunId": run_id, "IncludeGraph": True})["Run"]
    assert run["Status"] == "STOPPED" and reopened.recovered_runs == []
    assert [r["JobRunState"] for r in node_runs(run, name(p, "long"))] == ["STOPPED"]
    assert node_runs(run, name(p, "on_stop")) == []


def test_nodes_beyond_the_parallelism_bound_wait_visibly(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"a": p.shell_job("sleep:1.5"), "b": p.shell_job("sleep:1.5")},
        triggers={"go": on_demand("a", "b")},
    )
    runtime = p.runtime(P, max_parallel=1)
    run_id = runtime.call("StartWorkflowRun", {"Name": wf(p)})["RunId"]
    time.sleep(0.5)
    during = runtime.call("GetWorkflowRun", {"Name": wf(p), "RunId": run_id})["Run"]["Statistics"]
    run = finished_run(runtime, wf(p), run_id)

    assert (during["RunningActions"], during["WaitingActions"]) == (1, 1)
    (a,), (b,) = node_runs(run, name(p, "a")), node_runs(run, name(p, "b"))
    first, second = sorted((a, b), key=lambda r: r["CompletedOn"])
    assert second["CompletedOn"] - first["CompletedOn"] >= 1.4, "one at a time"
    assert second["ExecutionTime"] <= 2, "ExecutionTime counts running, not waiting"
