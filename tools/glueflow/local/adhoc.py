"""One script as a Glue job of its own, without a pipeline: what `glueflow job run SCRIPT.py` runs.

On Glue a script runs as a job: CreateJob names it and its ScriptLocation, StartJobRun runs it. Locally the same
happens: the script is uploaded to the env's scripts bucket (`s3://<scripts>/adhoc/<name>.py`), a job definition
`<prefix>-<env>-adhoc-<name>` is written to the env's store, and the runtime (the one `glueflow serve` or the
background runtime keeps, with its warm Spark spares) runs it through StartJobRun like any other job: the env's
catalog, buckets, `s3://` paths, the `awsglue` layer and the Glue and S3 endpoints are all there.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

from glueflow.errors import GlueflowError
from glueflow.glue import JOB_KINDS, ExitCode, JobRunState, WorkerType, job_kind
from glueflow.local.s3 import LocalS3
from glueflow.local.store import Store
from glueflow.spec import Deployment

JOB_TYPES = tuple(JOB_KINDS)


def job_name(deployment: Deployment, script: Path) -> str:
    environment = deployment.tfvars.environment
    stem = re.sub(r"[^a-z0-9]+", "-", script.stem.lower()).strip("-") or "script"
    return f"{environment.name_prefix}-{environment.name}-adhoc-{stem}"[:255]


def check_script(script: Path) -> None:
    """The script exists and compiles; a syntax error names file and line, as Glue would fail at start."""
    if not script.is_file():
        raise GlueflowError(f"{script}: no such file", hint="give the path of a Python job script")
    try:
        compile(script.read_bytes(), str(script), "exec")
    except SyntaxError as exc:
        raise GlueflowError(f"{script}:{exc.lineno}: SyntaxError: {exc.msg}") from None


def define_job(deployment: Deployment, script: Path, kind_name: str, timeout_minutes: int) -> str:
    """Upload `script` and write its job definition into the env's store; returns the job name."""
    kind = job_kind(kind_name)
    environment = deployment.tfvars.environment
    name = job_name(deployment, script)
    key = f"adhoc/{name}.py"
    s3 = LocalS3(deployment.state_dir)
    target = Path(s3.local_path(f"s3://{environment.buckets.scripts}/{key}"))
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(script, temporary)
    temporary.replace(target)  # a runtime reading the script never sees half of it
    now = time.time()
    shape: dict[str, Any] = {
        "Name": name,
        "Description": f"glueflow job run {script.name}",
        "Role": f"arn:aws:iam::{environment.account_id}:role/{environment.name_prefix}-{environment.name}-glue",
        "CreatedOn": now,
        "LastModifiedOn": now,
        "ExecutionProperty": {"MaxConcurrentRuns": 1},
        "Command": {
            "Name": kind.name,
            "ScriptLocation": f"s3://{environment.buckets.scripts}/{key}",
            "PythonVersion": kind.python_version,
        },
        "DefaultArguments": {
            "--TempDir": f"s3://{environment.buckets.temp}/adhoc/{name}/",
            "--job-language": "python",
            "--enable-glue-datacatalog": "true",
            "--job-bookmark-option": "job-bookmark-disable",
        },
        "NonOverridableArguments": {},
        "MaxRetries": 0,
        "Timeout": timeout_minutes,
        "GlueVersion": kind.glue_versions[-1],
        "_pipeline": f"_adhoc/{name}",
        "_script_path": str(script.resolve()),
    }
    if kind.workers:
        shape.update(WorkerType=WorkerType.G_1X, NumberOfWorkers=2)
    else:
        shape["MaxCapacity"] = kind.max_capacities[0]
    store = Store(deployment.state_dir)
    try:
        store.replace_definitions(f"_adhoc/{name}", {"job": {name: shape}})
    finally:
        store.close()
    return name


def parse_arguments(pairs: list[str]) -> dict[str, str]:
    """`KEY=VALUE` (or `--KEY=VALUE`) → Glue's `--KEY`: VALUE."""
    arguments: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        key = key.strip().removeprefix("--")
        if not equals or not re.fullmatch(r"[A-Za-z0-9_.\-]+", key):
            raise GlueflowError(
                f"--arg {pair!r}: expected KEY=VALUE", hint="e.g. --arg OUTPUT_BUCKET=my-bucket (the job reads --KEY)"
            )
        arguments[f"--{key}"] = value
    return arguments


def exit_code(state: str) -> ExitCode:
    return ExitCode.OK if state == JobRunState.SUCCEEDED else ExitCode.FAILED


class LogTail:
    """Prints what a job run's log file gains, as it gains it."""

    def __init__(self, path: Path, sink: Any) -> None:
        self.path, self.sink, self._offset = path, sink, 0

    def pump(self) -> None:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except FileNotFoundError:
            return
        if data:
            self._offset += len(data)
            self.sink.write(data.decode("utf-8", errors="replace"))
            self.sink.flush()
