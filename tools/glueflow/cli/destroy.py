"""`glueflow destroy`: tear an env down, after a destroy plan and a confirmation (typing the env name for prod)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from glueflow import terraform
from glueflow.cli.console import out
from glueflow.cli.deploy import local_provision
from glueflow.cli.options import EnvOption, PipelineOption, YesOption
from glueflow.cli.plan import confirm, print_summary, reject_pipeline
from glueflow.errors import GlueflowError
from glueflow.glue import ExitCode
from glueflow.spec import load_deployment
from glueflow.spec.deployment import Deployment

PROTECTED_ENVS = ("prod",)

ConfirmEnvOption = Annotated[
    str | None,
    typer.Option(
        "--confirm-env",
        help="The env name, typed in advance: required to destroy prod without a terminal (e.g. in CI).",
    ),
]


def command(
    env: EnvOption = "local",
    pipeline: PipelineOption = None,
    yes: YesOption = False,
    confirm_env: ConfirmEnvOption = None,
) -> None:
    """Destroy everything the env deployed.

    AWS envs: `terraform plan -destroy` into build/<env>/destroy.tfplan, its summary, a confirmation, then apply
    of that plan. prod needs the env name typed at the prompt (or --confirm-env prod); --yes does not skip it.
    Non-prod buckets are emptied (force_destroy); prod buckets with data make the destroy fail, by design.
    env local: removes the runtime's state directory (store, local buckets), after asking unless --yes.

    Examples:
      glueflow destroy --env dev
      glueflow destroy --env prod --confirm-env prod          # non-interactive prod teardown, on purpose
      glueflow destroy --yes                                  # env local: wipe the runtime's state
    """
    reject_pipeline(pipeline, "destroy")
    deployment = load_deployment(env)
    if deployment.env.kind == "local":
        confirm(f"Delete the local runtime state of env '{env}' ({deployment.state_dir})?", yes=yes, ci_answers=False)
        local_provision().destroy(deployment)
        out.print(f"[green]destroyed[/green] the local runtime state of env '{env}'")
        return
    check_env_confirmation_possible(env, confirm_env)
    runner = terraform.for_deployment(deployment)
    plan_file = terraform.plan_path(deployment, terraform.DESTROY_PLAN_FILE)
    summary = plan_destroy(deployment, runner, plan_file)
    print_summary(summary)
    if not summary.has_changes:
        terraform.discard_plan(plan_file)
        return
    confirm_destroy(deployment, yes=yes, confirm_env=confirm_env)
    runner.apply(plan_file)
    terraform.discard_plan(plan_file)
    out.print(f"[green]destroyed[/green] env '{env}'")


def plan_destroy(deployment: Deployment, runner: terraform.TerraformRunner, plan_file: Path) -> terraform.PlanSummary:
    from glueflow.render import render

    render(deployment)  # the destroy plan still evaluates the configuration's variables
    terraform.discard_plan(plan_file)
    runner.init()
    return runner.plan(plan_file, destroy=True)


def check_env_confirmation_possible(env: str, confirm_env: str | None) -> None:
    """Refuse a protected env up front when nobody can type its name, before any Terraform work."""
    if env not in PROTECTED_ENVS:
        return
    if confirm_env is not None and confirm_env != env:
        raise GlueflowError(f"--confirm-env {confirm_env!r} does not match env '{env}'; nothing was destroyed")
    if confirm_env is None and not sys.stdin.isatty():
        raise GlueflowError(
            f"refusing to destroy '{env}' without its name typed at a terminal; nothing was destroyed",
            hint=f"run it in a terminal, or pass --confirm-env {env}",
        )


def confirm_destroy(deployment: Deployment, *, yes: bool, confirm_env: str | None) -> None:
    env = deployment.env.name
    if env not in PROTECTED_ENVS:
        confirm(f"Destroy every resource of env '{env}' (account {deployment.env.account_id})?", yes=yes)
        return
    if confirm_env == env:
        return
    typed = typer.prompt(f"This destroys '{env}'. Type the env name to confirm", default="", show_default=False)
    if typed.strip() != env:
        raise GlueflowError(
            f"you typed {typed.strip()!r}, not '{env}'; nothing was destroyed", exit_code=ExitCode.FAILED
        )
