"""`glueflow logs` prints a node run's log from the local runtime."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from glueflow.cli.main import app
from glueflow.errors import GlueflowError

from .helpers import LocalProject, finished_run

P = "logged"
WORKFLOW = "glueflow-local-logged"


def test_logs_prints_every_attempt_of_the_latest_run_and_a_chosen_run(
    local_project: LocalProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = local_project
    p.write_pipeline(
        P,
        jobs={"flaky": p.shell_job("fail_once", max_retries=1)},
        triggers={"go": {"type": "on_demand", "start": [{"job": "flaky"}]}},
    )
    runtime = p.runtime(P)
    run_id = runtime.call("StartWorkflowRun", {"Name": WORKFLOW})["RunId"]
    finished_run(runtime, WORKFLOW, run_id)
    monkeypatch.chdir(p.root)
    cli = CliRunner()

    latest = cli.invoke(app, ["logs", "--node", "flaky"])
    assert latest.exit_code == 0, latest.output
    assert latest.stdout.count("flaky started with mode fail_once") == 2
    assert "ValueError: the first attempt fails" in latest.stdout
    assert "attempt 0 FAILED" in latest.stderr and "attempt 1 SUCCEEDED" in latest.stderr

    first_attempt = runtime.call("GetJobRuns", {"JobName": "glueflow-local-logged-flaky"})["JobRuns"][-1]["Id"]
    one = cli.invoke(app, ["logs", "-n", "glueflow-local-logged-flaky", "--run-id", first_attempt])
    assert one.exit_code == 0 and one.stdout.count("started with mode") == 1 and "ValueError" in one.stdout

    unknown = cli.invoke(app, ["logs", "--node", "nope"])
    assert unknown.exit_code != 0


def test_a_node_named_as_the_candidates_are_listed_is_accepted(
    local_project: LocalProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = local_project
    for pipeline in (P, "other"):
        p.write_pipeline(
            pipeline,
            jobs={"flaky": p.shell_job()},
            triggers={"go": {"type": "on_demand", "start": [{"job": "flaky"}]}},
        )
    runtime = p.runtime(P)
    finished_run(runtime, WORKFLOW, runtime.call("StartWorkflowRun", {"Name": WORKFLOW})["RunId"])
    monkeypatch.chdir(p.root)
    cli = CliRunner()

    unknown = cli.invoke(app, ["logs", "--node", "nope"]).exception
    assert isinstance(unknown, GlueflowError)
    assert "logged.flaky" in str(unknown.hint) and "other.flaky" in str(unknown.hint)  # listed as <pipeline>.<node>
    ambiguous = cli.invoke(app, ["logs", "--node", "flaky"]).exception
    assert isinstance(ambiguous, GlueflowError) and str(ambiguous.hint).endswith("logged.flaky, other.flaky")

    named = cli.invoke(app, ["logs", "--node", "logged.flaky"])
    assert named.exit_code == 0, named.output
    assert "flaky started with mode ok" in named.stdout
