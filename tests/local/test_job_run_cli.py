"""`glueflow job run SCRIPT.py`: one script as a job on the env's runtime, without a pipeline; its log streamed,
exit codes 0 / 1 / 2 (python-shell scripts here: Spark jobs start the same way, see test_s3_paths.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from glueflow.cli.main import main

from .helpers import LocalProject

SCRIPT = """\
import sys

import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["JOB_NAME", "BUCKET", "GREETING"])
databases = [d["Name"] for d in boto3.client("glue").get_databases()["DatabaseList"]]
print("job", args["JOB_NAME"], "sees databases", databases)
boto3.client("s3").put_object(Bucket=args["BUCKET"], Key="adhoc/out.txt", Body=args["GREETING"].encode())
print("wrote", args["GREETING"])
"""


def invoke(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> Any:
    monkeypatch.setenv("GLUEFLOW_ROOT", str(root))
    monkeypatch.setattr(sys, "argv", ["glueflow", *args])
    capsys.readouterr()
    try:
        code = main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(local_project: LocalProject) -> LocalProject:
    local_project.write_pipeline(
        "base",
        jobs={"noop": local_project.shell_job()},
        triggers={"go": {"type": "on_demand", "start": [{"job": "noop"}]}},
    )
    return local_project


def test_a_script_runs_against_the_envs_catalog_and_buckets(
    project: LocalProject, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = project.root / "hello_job.py"
    script.write_text(SCRIPT)
    bucket = "glueflow-local-processed-000000000000"
    code, out, err = invoke(
        monkeypatch, capsys, project.root, "job", "run", str(script), "--type", "pythonshell",
        "--arg", f"BUCKET={bucket}", "-a", "GREETING=hi there",
    )  # fmt: skip
    assert code == 0, err
    assert "job glueflow-local-adhoc-hello-job sees databases ['glueflow_local_base']" in out  # the log, streamed
    assert "wrote hi there" in out
    assert "SUCCEEDED" in err
    assert (project.state_dir / "s3" / bucket / "adhoc" / "out.txt").read_text() == "hi there"


def test_a_failing_script_exits_1_and_a_broken_one_2(
    project: LocalProject, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = project.root / "failing.py"
    failing.write_text("raise ValueError('no input files under s3://raw/in/')\n")
    code, out, err = invoke(monkeypatch, capsys, project.root, "job", "run", str(failing), "--type", "pythonshell")
    assert code == 1
    assert "ValueError: no input files under s3://raw/in/" in out  # the traceback, from the log
    assert "FAILED" in err and "no input files" in err
    broken = project.root / "broken.py"
    broken.write_text("import sys\nif True\n    pass\n")
    code, _, err = invoke(monkeypatch, capsys, project.root, "job", "run", str(broken))
    assert code == 2
    assert f"{broken}:2: SyntaxError" in err
    code, _, err = invoke(monkeypatch, capsys, project.root, "job", "run", str(failing), "--arg", "NOEQUALS")
    assert code == 2 and "expected KEY=VALUE" in err
