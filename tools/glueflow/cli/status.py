"""`glueflow status`: the latest (or a given) workflow run of each pipeline, as `run` summarises it."""

from __future__ import annotations

from typing import Annotated

import typer

from glueflow.cli.console import err, out
from glueflow.cli.options import EnvOption, PipelineOption
from glueflow.cli.run import selected_workflows
from glueflow.errors import GlueflowError
from glueflow.follow import FollowTarget, exit_code, fetch, latest_run_id, print_summary
from glueflow.spec import load_deployment


def command(
    env: EnvOption = "local",
    pipeline: PipelineOption = None,
    run_id: Annotated[str | None, typer.Option("--run-id", "-r", help="A workflow run id (needs --pipeline).")] = None,
) -> None:
    """Show the latest workflow run of each pipeline (or the one --run-id names), as `run` summarises it.

    Node states, attempts, durations, DPU-seconds and cost (at the env's `pricing:`), errors, and where the failed
    nodes' logs are.

    Exit status: 0 if the runs succeeded or are still running, 1 if a node failed or a run stopped.

    Examples:
      glueflow status
      glueflow status --env dev -p customer_purchases --run-id wr_0123abcd
    """
    from glueflow.aws import api_errors, connect_glue  # boto3: only when used

    deployment = load_deployment(env)
    workflows = selected_workflows(deployment, env, pipeline)
    if run_id and len(workflows) != 1:
        raise GlueflowError("--run-id names a run of one pipeline", hint="add --pipeline <name>")
    environment = deployment.tfvars.environment
    runs = []
    with api_errors(environment), connect_glue(deployment, start_background=False, light=True) as connection:
        for name, workflow in workflows.items():
            wanted = run_id or latest_run_id(connection.glue, workflow)
            if wanted is None:
                err.print(f"{name}: no runs yet (start one with `glueflow run --env {env} -p {name}`)")
                continue
            runs.append(fetch(connection.glue, FollowTarget(name, workflow, wanted), deployment.env.pricing.pricing()))
    if runs:
        print_summary(
            out, runs, env_name=environment.name, region=environment.region, local=environment.kind == "local"
        )
    raise typer.Exit(exit_code(runs))
