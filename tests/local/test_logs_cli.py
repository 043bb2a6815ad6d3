"""`glueflow logs` prints a node run's log from the local runtime."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from glueflow.cli.main import app

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
