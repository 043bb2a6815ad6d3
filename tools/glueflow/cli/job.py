"""`glueflow job run SCRIPT.py`: one job script against the env's catalog and buckets, its log streamed."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from glueflow.cli.console import err
from glueflow.cli.options import EnvOption
from glueflow.errors import GlueflowError
from glueflow.glue import FINAL_JOB_RUN_STATES, GLUEETL, JOB_KINDS, ExitCode, JobRunState

TERMINAL = FINAL_JOB_RUN_STATES
POLL_SECONDS = 0.1


def command(
    action: Annotated[str, typer.Argument(help="What to do: `run` (the only action).", metavar="run")],
    script: Annotated[Path, typer.Argument(help="The job script (a stock Glue script: awsglue, SparkContext()).")],
    arg: Annotated[
        list[str] | None,
        typer.Option("--arg", "-a", help="A job argument KEY=VALUE (the script reads --KEY); repeatable."),
    ] = None,
    env: EnvOption = "local",
    kind: Annotated[
        str,
        typer.Option(
            "--type", help=f"The job type: {', '.join(JOB_KINDS)} (default {GLUEETL}, Spark).", metavar="TYPE"
        ),
    ] = GLUEETL,
    timeout_minutes: Annotated[
        int, typer.Option("--timeout", min=1, max=10080, help="Stop the run after this many minutes.")
    ] = 60,
) -> None:
    """Run one job script on the local runtime, like gluesparksubmit: no pipeline needed, log streamed.

    The script runs as the job `<prefix>-<env>-adhoc-<name>` through StartJobRun on the env's runtime (the one
    `glueflow serve` or `glueflow run` started, which keeps a warm Spark process), with the env's Data Catalog,
    its buckets (`s3://` paths and boto3 reach the local bucket folders) and glueflow's `awsglue`. Exit code 0
    when the run SUCCEEDED, 1 when it FAILED, TIMEOUT or STOPPED, 2 for a usage error.

    Examples:
      glueflow job run glue_jobs/scratch/explore.py --arg DATABASE=glueflow_local_sales_analytics
      glueflow job run my_job.py -a JOB_DATE=2024-01-15 -a OUTPUT_BUCKET=glueflow-local-processed-000000000000
      make job SCRIPT=my_job.py ARGS="JOB_DATE=2024-01-15"
    """
    if action != "run":
        raise GlueflowError(f"unknown action {action!r}", hint="glueflow job run SCRIPT.py [--arg KEY=VALUE ...]")
    from glueflow.local import adhoc

    if kind not in adhoc.JOB_TYPES:
        raise GlueflowError(f"--type {kind!r}: expected {' or '.join(adhoc.JOB_TYPES)}")
    arguments = adhoc.parse_arguments(arg or [])
    adhoc.check_script(script)
    from glueflow.spec import load_deployment

    deployment = load_deployment(env)
    if deployment.env.kind != "local":
        raise GlueflowError(
            f"glueflow job run runs scripts on the local runtime; env {env!r} is an aws env",
            hint="define the script as a job in a pipeline and `glueflow deploy`, or use --env local",
        )
    raise typer.Exit(_run(deployment, script, arguments, kind, timeout_minutes))


def _run(deployment: object, script: Path, arguments: dict[str, str], kind: str, timeout_minutes: int) -> int:
    from glueflow.aws import connect_glue
    from glueflow.local import adhoc

    started = time.monotonic()
    with connect_glue(deployment, provision=True, light=True) as connection:  # type: ignore[arg-type]
        name = adhoc.define_job(connection.deployment, script, kind, timeout_minutes)
        run_id = connection.glue.start_job_run(JobName=name, Arguments=arguments)["JobRunId"]
        err.print(f"{script} → job {name}, run {run_id} (local endpoint {connection.endpoint_url})", highlight=False)
        try:
            state, run = _follow(connection.glue, name, run_id)
        except KeyboardInterrupt:
            # A runtime in this process stops the run as it closes; a served one keeps it (Glue runs go on
            # after the console closes too).
            where = "stopped" if connection.in_process else "goes on in the runtime (glueflow serve --stop ends it)"
            err.print(f"interrupted: job run {run_id} {where}")
            return int(ExitCode.INTERRUPTED)
    took = time.monotonic() - started
    if state == JobRunState.SUCCEEDED:
        err.print(f"[green]SUCCEEDED[/green] in {took:.1f}s ({run.get('ExecutionTime', 0)}s execution)")
    else:
        err.print(f"[red]{state}[/red] after {took:.1f}s: {run.get('ErrorMessage', '')}", highlight=False)
    return int(adhoc.exit_code(state))


def _follow(glue: object, name: str, run_id: str) -> tuple[str, dict]:
    """Poll GetJobRun and stream the run's log file to stdout until the run ends."""
    from glueflow.local.adhoc import LogTail

    tail: LogTail | None = None
    while True:
        run = glue.get_job_run(JobName=name, RunId=run_id)["JobRun"]  # type: ignore[attr-defined]
        if tail is None and run.get("LogGroupName"):
            tail = LogTail(Path(run["LogGroupName"]) / f"{run_id}.log", sys.stdout)
        if tail is not None:
            tail.pump()
        if run["JobRunState"] in TERMINAL:
            if tail is not None:
                tail.pump()
            return str(run["JobRunState"]), run
        time.sleep(POLL_SECONDS)
