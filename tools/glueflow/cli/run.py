"""`glueflow run`: start workflow runs and follow them node by node, through boto3 for every env."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from glueflow.cli.console import err, out
from glueflow.cli.options import EnvOption, PipelineOption
from glueflow.errors import GlueflowError
from glueflow.follow import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    Follower,
    InterruptChoice,
    PollPolicy,
    RunStatus,
    exit_code,
    print_summary,
    start_runs,
)
from glueflow.spec import Deployment, load_deployment
from glueflow.web.urls import run_path

if TYPE_CHECKING:
    from glueflow.aws import GlueConnection

PropertyOption = Annotated[
    list[str] | None,
    typer.Option("--property", "-P", help="A run property KEY=VALUE (repeatable); overrides the workflow's defaults."),
]


def command(
    env: EnvOption = "local",
    pipeline: PipelineOption = None,
    properties: PropertyOption = None,
    follow: Annotated[
        bool, typer.Option("--follow/--no-follow", help="Follow the run until it ends (default), or just start it.")
    ] = True,
) -> None:
    """Start the workflow run of each pipeline and follow it node by node until it ends.

    Locally the deployment is brought up to date first (render + provision, idempotent) and the runs go to
    `glueflow serve`'s endpoint if it is running, else to a runtime inside this command. On AWS the same calls
    go to Glue with your credentials, polling with backoff. Ctrl-C asks whether to stop the runs.

    Exit status: 0 when every node that ran succeeded; 1 when a node failed or a run stopped (even though
    Glue reports such a run as COMPLETED); 130 when you detach with Ctrl-C.

    Examples:
      glueflow run                                          # every pipeline, on this machine
      glueflow run -p customer_purchases -P batch=2025-01-01
      glueflow run --env dev --no-follow                    # start on AWS and return
    """
    from glueflow.aws import api_errors, aws_session, check_credentials, connect_glue  # boto3: only when used

    run_properties = parse_properties(properties or [])
    deployment = load_deployment(env)
    workflows = selected_workflows(deployment, env, pipeline)
    environment = deployment.tfvars.environment
    with api_errors(environment):
        if environment.kind == "aws":
            check_credentials(aws_session(environment), environment)
        with connect_glue(deployment, provision=True, light=True) as connection:
            code = _start_and_follow(connection, workflows, run_properties, follow)
    raise typer.Exit(code)


def _start_and_follow(
    connection: GlueConnection, workflows: dict[str, str], properties: dict[str, str], follow: bool
) -> int:
    environment = connection.deployment.tfvars.environment
    if not follow and connection.in_process:
        raise GlueflowError(
            "--no-follow needs a runtime that outlives this command",
            hint=f"start `glueflow serve --env {environment.name}` in another terminal, or drop --no-follow",
        )
    targets = start_runs(connection.glue, workflows, properties)
    where = f"local endpoint {connection.endpoint_url}" if connection.is_local else f"AWS {environment.region}"
    for target in targets:
        err.print(f"started [bold]{target.pipeline}[/bold] run {target.run_id} ({where})")
        if connection.is_local and not connection.in_process:  # a served runtime: its web console shows the run
            page = f"{connection.endpoint_url}{run_path(target.workflow, target.run_id)}"
            err.print(f"  watch it: {page}", highlight=False)
    if not follow:
        return EXIT_OK
    follower = Follower(
        connection.glue,
        targets,
        out,
        policy=PollPolicy.for_env(connection.is_local),
        live=out.is_terminal,
        on_interrupt=interrupt_prompt(connection.in_process),
        wait=_on_change(connection.glue),
        pricing=connection.deployment.env.pricing.pricing(),
    )
    runs = follower.follow()
    print_summary(out, runs, env_name=environment.name, region=environment.region, local=connection.is_local)
    if follower.detached:
        err.print(f"detached; the run goes on. Check it with: glueflow status --env {environment.name}")
        return EXIT_INTERRUPTED
    return exit_code(runs)


def _on_change(glue: object) -> Callable[[list[RunStatus], float], None] | None:
    """On the local runtime, wait for a run to change (its events wake the request) instead of sleeping; the
    live table still redraws at least every second for the durations it shows."""
    from glueflow.aws import LocalGlue

    if not isinstance(glue, LocalGlue):
        return None

    def wait(runs: list[RunStatus], interval: float) -> None:
        pending = next((r for r in runs if not r.finished), None)
        if pending is not None:
            glue.wait_for_change(pending.workflow, pending.run_id, timeout=1.0)

    return wait


def interrupt_prompt(in_process: bool) -> Callable[[list[RunStatus]], InterruptChoice]:
    """Ctrl-C: ask whether to stop the runs. A run inside this process cannot outlive it, so there "no" means
    keep following; on AWS (or a separate `serve`) "no" detaches and leaves the run going."""

    def on_interrupt(runs: list[RunStatus]) -> InterruptChoice:
        running = [r for r in runs if not r.finished]
        if not running:
            return "continue"
        fallback: InterruptChoice = "stop" if in_process else "detach"
        if not sys.stdin.isatty():
            return fallback
        names = ", ".join(f"{r.pipeline} {r.run_id}" for r in running)
        try:
            stop = typer.confirm(f"\nStop the workflow run(s) {names}?", default=False, err=True)
        except (typer.Abort, KeyboardInterrupt, EOFError):
            return fallback  # a second Ctrl-C
        if stop:
            return "stop"
        if in_process:
            err.print("following on (the runs live in this process; use `glueflow serve` to detach from runs)")
            return "continue"
        return "detach"

    return on_interrupt


def parse_properties(items: list[str]) -> dict[str, str]:
    properties = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise GlueflowError(f"--property '{item}' is not KEY=VALUE", hint="e.g. --property batch_date=2025-01-01")
        properties[key.strip()] = value
    return properties


def selected_workflows(deployment: Deployment, env: str, pipeline: str | None) -> dict[str, str]:
    """pipeline → workflow name. The whole env is loaded (provisioning needs it); --pipeline narrows the runs."""
    if pipeline is not None and pipeline not in deployment.tfvars.pipelines:
        load_deployment(env, pipeline, root=deployment.root)  # raises the spec loader's error with its hint
        raise GlueflowError(f"pipeline '{pipeline}' is not enabled in env '{env}'")
    return {
        name: resolved.workflow_name
        for name, resolved in deployment.tfvars.pipelines.items()
        if pipeline is None or name == pipeline
    }
