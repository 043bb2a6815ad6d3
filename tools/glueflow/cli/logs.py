"""`glueflow logs`: print the log of a node's run on the local runtime."""

from __future__ import annotations

from typing import Annotated

import typer

from glueflow.cli.console import err, out
from glueflow.cli.options import EnvOption, PipelineOption
from glueflow.errors import GlueflowError
from glueflow.local.logs import node_logs
from glueflow.spec import load_deployment


def command(
    node: Annotated[
        str, typer.Option("--node", "-n", help="Job or crawler: logical name (map_purchases) or physical.")
    ],
    env: EnvOption = "local",
    pipeline: PipelineOption = None,
    run_id: Annotated[
        str | None,
        typer.Option(
            "--run-id", "-r", help="A workflow run id (wr_...), job run id (jr_...) or crawl id. Default: latest."
        ),
    ] = None,
) -> None:
    """Print a node's log on the local runtime: each attempt's stdout and stderr, or a crawler's messages.

    Example (the latest workflow run, every attempt):  glueflow logs --node map_purchases

    Example (one run):  glueflow logs --node source --run-id wr_3f…
    """
    deployment = load_deployment(env, pipeline)
    if deployment.env.kind != "local":
        raise GlueflowError(
            f"`glueflow logs` reads the local runtime; env '{env}' runs on AWS",
            hint="on AWS, job logs are in CloudWatch: aws logs tail /aws-glue/jobs/output --follow",
        )
    for log in node_logs(deployment, node, run_id):
        err.print(f"[dim]── {log.node} {log.node_run_id} attempt {log.attempt} {log.state} ({log.path})[/dim]")
        if log.path.is_file():
            out.print(log.path.read_text(encoding="utf-8", errors="replace"), end="", markup=False)
        else:
            err.print(f"[yellow]no log file at {log.path}[/yellow]")
