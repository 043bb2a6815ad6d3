"""`glueflow run`, `status`, `ingest` and `serve` through the real entry point, locally (against a served
endpoint) and for an aws env (moto for STS/S3; botocore's Stubber for Glue, whose run lifecycle moto cannot
play: those tests cover the CLI's AWS-side logic, not a live AWS service)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from glue_shapes import ALL_SUCCEEDED, JOB_FAILED_TWICE, RUNNING, WORKFLOW
from moto import mock_aws
from serve_fixtures import REPO, Served, make_project, wait_for

import glueflow.aws
import glueflow.follow
from glueflow.cli.main import main

pytestmark = pytest.mark.slow


def invoke(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> Any:
    """Run `glueflow <args>` in this process; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("GLUEFLOW_ROOT", str(root))
    monkeypatch.setattr(sys, "argv", ["glueflow", *args])
    capsys.readouterr()
    try:
        code = main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- local, against `serve` ----------------------------------------------------------------------------------


def test_run_uses_the_served_endpoint_and_exits_zero_when_every_node_succeeded(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = invoke(monkeypatch, capsys, served.root, "run", "-p", "clicks", "-P", 'source_keys=["manual.csv"]')

    assert code == 0, out + err
    assert f"local endpoint {served.url}" in err  # serve's endpoint, found through endpoint.json
    assert "landing (CRAWLER)  SUCCEEDED" in out and "count (JOB)  SUCCEEDED" in out  # one line per transition
    assert "succeeded" in out
    run = served.glue().get_workflow_runs(Name=served.workflow("clicks"))["Runs"][0]  # newest first
    assert json.loads(run["WorkflowRunProperties"]["new_keys"]) == ["manual.csv"]


def test_a_failed_node_makes_run_exit_1_and_points_at_its_log(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = invoke(monkeypatch, capsys, served.root, "run", "-p", "broken")

    assert code == 1
    assert "Glue status COMPLETED" in out and "failed" in out  # Glue says COMPLETED; glueflow does not
    assert "parse (JOB) FAILED: ValueError: bad input row 7" in out
    run = served.glue().get_workflow_runs(Name=served.workflow("broken"))["Runs"][0]  # newest first
    hint = f"glueflow logs --env local -p broken --node parse --run-id {run['WorkflowRunId']}"
    assert hint in out
    log_file = Path(out.split("log file: ", 1)[1].split()[0])
    assert "bad input row 7" in log_file.read_text()
    code, logs, _ = invoke(monkeypatch, capsys, served.root, *hint.split()[1:])  # the hint works as printed
    assert code == 0 and logs.count("ValueError: bad input row 7") == 2  # both attempts
    row = next(line for line in out.splitlines() if line.startswith("│ parse"))
    assert "│        2 │" in row  # two attempts: max_retries 1


def test_status_summarises_the_latest_run_with_the_same_verdict(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(monkeypatch, capsys, served.root, "run", "-p", "broken")

    code, out, _ = invoke(monkeypatch, capsys, served.root, "status", "-p", "broken")

    assert code == 1
    assert "ValueError: bad input row 7" in out


def test_status_without_a_runtime_reads_the_store_in_process_without_starting_an_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path / "project")
    state = root / ".glueflow-state"
    monkeypatch.setenv("GLUEFLOW_STATE_DIR", str(state))
    monkeypatch.setenv("GLUEFLOW_BACKGROUND", "off")  # the runs live in the command's own runtime
    code, _, _ = invoke(monkeypatch, capsys, root, "run", "-p", "broken")
    assert code == 1

    command = [sys.executable, "-X", "importtime", "-m", "glueflow.cli.main", "status", "-p", "broken"]
    status = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ), cwd=root, check=False)

    assert status.returncode == 1, status.stdout + status.stderr  # the same verdict as the run's
    assert "ValueError: bad input row 7" in status.stdout
    imported = {line.rsplit("|", 1)[1].strip() for line in status.stderr.splitlines() if line.startswith("import time")}
    assert "glueflow.local.runtime" in imported  # answered by a runtime in the command ...
    assert "glueflow.local.endpoint" not in imported and "asyncio" not in imported  # ... called directly
    assert not (state / "endpoint.json").exists()


def test_ingest_lands_files_where_the_watcher_turns_them_into_runs(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "day=2025-01-02"
    data.mkdir()
    (data / "more.csv").write_text("user_id,page,ms\n4,home,10\n")
    glue, workflow = served.glue(), served.workflow("clicks")
    before = len(glue.get_workflow_runs(Name=workflow)["Runs"])

    code, out, _ = invoke(monkeypatch, capsys, served.root, "ingest", str(data))

    assert code == 0
    raw = served.deployment.tfvars.environment.buckets.raw
    assert f"s3://{raw}/incoming/more.csv" in out  # default: the upload-started pipeline's folder

    def new_runs() -> list[dict[str, Any]] | None:
        runs = glue.get_workflow_runs(Name=workflow)["Runs"]  # newest first
        return runs[: len(runs) - before] if len(runs) > before else None

    runs = wait_for(new_runs, 30, "the upload's run")
    assert json.loads(runs[0]["WorkflowRunProperties"]["source_keys"]) == ["incoming/more.csv"]


def test_ingest_names_every_missing_file_and_uploads_nothing(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    present = tmp_path / "present.csv"
    present.write_text("a\n1\n")

    code, _, err = invoke(monkeypatch, capsys, served.root, "ingest", str(present), "nope.csv", "--to", "raw/x/")

    assert code == 2
    assert "no such file: nope.csv" in err
    assert not (served.deployment.state_dir / "s3" / served.deployment.tfvars.environment.buckets.raw / "x").exists()


# --- serve as a process --------------------------------------------------------------------------------------


def test_serve_announces_its_endpoint_answers_boto3_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    env = {**os.environ, "GLUEFLOW_ROOT": str(root), "GLUEFLOW_STATE_DIR": str(root / ".glueflow-state")}
    command = [sys.executable, "-m", "glueflow.cli.main", "serve", "--no-schedules"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    announcement = root / ".glueflow-state" / "endpoint.json"
    try:
        info = wait_for(lambda: announcement.is_file() and json.loads(announcement.read_text()), 60, "endpoint.json")
        glue = boto3.client(
            "glue", endpoint_url=info["url"], region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
        )
        assert "glueflow-local-clicks" in glue.list_workflows()["Workflows"]
        assert info["pid"] == server.pid and info["url"].startswith("http://127.0.0.1:")
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2 and "already running" in second.stderr
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert f"Glue endpoint {info['url']}" in out
    assert "uploads to s3://glueflow-local-raw-000000000000/incoming/*.csv → Lambda glueflow-local-clicks-start" in out
    assert not announcement.exists()


# --- an aws env ------------------------------------------------------------------------------------------------


@pytest.fixture
def aws_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The test project plus the repo's customer_purchases pipeline (its dev workflow is glue_shapes.WORKFLOW)."""
    root = make_project(tmp_path / "project")
    shutil.copy(REPO / "pipelines" / "customer_purchases.yaml", root / "pipelines")
    shutil.copytree(
        REPO / "pipelines" / "sample_data" / "customer_purchases",
        root / "pipelines" / "sample_data" / "customer_purchases",
    )
    shutil.copytree(REPO / "glue_jobs" / "customer_purchases", root / "glue_jobs" / "customer_purchases")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "MOTO_ACCOUNT_ID": "111111111111",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(glueflow.follow.PollPolicy, "for_env", classmethod(lambda cls, local: cls(0.0, 0.0, 1.0)))
    with mock_aws():
        yield root


@pytest.fixture
def stubbed_glue(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    glue = boto3.client("glue", region_name="eu-west-1")
    real = glueflow.aws.aws_client
    monkeypatch.setattr(
        glueflow.aws, "aws_client", lambda service, *a, **k: glue if service == "glue" else real(service, *a, **k)
    )
    with Stubber(glue) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_run_on_aws_follows_the_run_through_glue_and_names_the_cloudwatch_logs(
    aws_project: Path, stubbed_glue: Stubber, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stubbed_glue.add_response(
        "start_workflow_run", {"RunId": "wr_0001"}, {"Name": WORKFLOW, "RunProperties": {"batch": "7"}}
    )
    for response in (RUNNING, JOB_FAILED_TWICE):
        stubbed_glue.add_response(
            "get_workflow_run", response, {"Name": WORKFLOW, "RunId": "wr_0001", "IncludeGraph": True}
        )

    code, out, err = invoke(
        monkeypatch, capsys, aws_project, "run", "--env", "dev", "-p", "customer_purchases", "-P", "batch=7"
    )

    assert code == 1, err
    assert "AWS eu-west-1" in err
    assert "map_purchases (JOB) FAILED: ValueError: bad row" in out
    assert "CloudWatch log group /aws-glue/jobs/error, stream jr_map-purchases_1" in out


def test_status_on_aws_reads_the_workflow_s_last_run(
    aws_project: Path, stubbed_glue: Stubber, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stubbed_glue.add_response("get_workflow", {"Workflow": {"Name": WORKFLOW, "LastRun": {"WorkflowRunId": "wr_0001"}}})
    stubbed_glue.add_response(
        "get_workflow_run", ALL_SUCCEEDED, {"Name": WORKFLOW, "RunId": "wr_0001", "IncludeGraph": True}
    )

    code, out, _ = invoke(monkeypatch, capsys, aws_project, "status", "--env", "dev", "-p", "customer_purchases")

    assert code == 0
    assert "succeeded" in out and "target" in out


def test_run_on_aws_with_another_account_s_credentials_stops_before_any_glue_call(
    aws_project: Path, stubbed_glue: Stubber, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "222222222222")

    code, _, err = invoke(monkeypatch, capsys, aws_project, "run", "--env", "dev", "-p", "customer_purchases")

    assert code == 2
    assert "credentials are for account 222222222222" in err and "111111111111" in err


def test_ingest_on_aws_uploads_to_the_env_s_raw_bucket(
    aws_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    s3 = boto3.client("s3", region_name="eu-west-1")
    raw = "glueflow-dev-raw-111111111111"
    s3.create_bucket(Bucket=raw, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    source = tmp_path / "orders 1.csv"
    source.write_bytes(b"id,total\n1,9.5\n" * 1000)

    code, out, _ = invoke(
        monkeypatch, capsys, aws_project, "ingest", "--env", "dev", str(source), "--to", "raw/incoming/"
    )

    assert code == 0
    assert f"s3://{raw}/incoming/orders 1.csv" in out
    assert s3.get_object(Bucket=raw, Key="incoming/orders 1.csv")["Body"].read() == source.read_bytes()


def test_run_without_a_pipeline_starts_and_follows_every_pipeline(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = invoke(monkeypatch, capsys, served.root, "run")

    assert code == 1  # 'broken' fails; the others succeed
    for pipeline in ("clicks", "bursts", "broken", "nightly"):
        assert f"started {pipeline} run wr_" in err
        assert any(
            line.startswith(f"{pipeline}  run wr_") and "Glue status COMPLETED" in line for line in out.splitlines()
        )
    assert "│ broken   │ parse" in out  # the summary gains a pipeline column


def test_no_follow_locally_needs_serve_because_the_runtime_would_stop_with_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path / "project")
    monkeypatch.setenv("GLUEFLOW_STATE_DIR", str(root / ".glueflow-state"))

    code, _, err = invoke(monkeypatch, capsys, root, "run", "-p", "clicks", "--no-follow")

    assert code == 2
    assert "--no-follow needs a runtime that outlives this command" in err and "glueflow serve" in err


def test_no_follow_with_serve_running_starts_the_run_and_returns(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = invoke(monkeypatch, capsys, served.root, "run", "-p", "nightly", "--no-follow")

    assert code == 0 and out == ""
    run_id = err.split("started nightly run ", 1)[1].split()[0]
    glue = served.glue()
    assert glue.get_workflow_run(Name=served.workflow("nightly"), RunId=run_id)["Run"]["Name"] == served.workflow(
        "nightly"
    )
