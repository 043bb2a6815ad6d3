"""`glueflow plan`: render, then `terraform plan -out build/<env>/plan.tfplan`, and summarize the changes by type."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from glueflow import terraform
from glueflow.cli.console import out
from glueflow.cli.options import EnvOption, PipelineOption
from glueflow.errors import GlueflowError
from glueflow.glue import ExitCode
from glueflow.settings import Settings
from glueflow.spec import load_deployment


def command(env: EnvOption = "local", pipeline: PipelineOption = None) -> None:
    """Plan the env's Terraform changes into build/<env>/plan.tfplan and summarize them by resource type.

    Renders build/<env>/ first, runs `terraform init` with the env's S3 backend (build/<env>/backend.hcl) and
    `terraform plan -out`. Nothing changes in AWS: `glueflow deploy --env <env>` applies exactly this plan.
    Terraform comes from $TERRAFORM_BIN, else `terraform` on PATH, else the bundled one (glueflow-terraform).

    Exit status: 0 with a plan saved (or nothing to change); 1 when Terraform fails (its own error is shown, e.g.
    no AWS credentials or no access to the provider registry); 2 for a usage or spec problem.

    Examples:
      glueflow plan --env dev
      TERRAFORM_BIN=/opt/terraform/1.10/terraform glueflow plan --env staging
    """
    reject_pipeline(pipeline, "plan")
    deployment = load_deployment(env)
    if deployment.env.kind == "local":
        raise GlueflowError(
            f"env '{env}' runs on the embedded runtime: there is no Terraform plan to make",
            hint=f"`glueflow deploy --env {env}` provisions it; plan an AWS env with --env dev|staging|prod",
        )
    runner = terraform.for_deployment(deployment)
    summary = terraform.plan_deployment(deployment, runner)
    print_summary(summary, root=deployment.root)
    if summary.has_changes:
        out.print(f"Review it, then apply exactly this plan with: [bold]glueflow deploy --env {env}[/bold]")


def reject_pipeline(pipeline: str | None, command: str) -> None:
    """Terraform keeps every pipeline of an env in one state; planning a subset would destroy the others."""
    if pipeline:
        raise GlueflowError(
            f"`glueflow {command}` works on every pipeline of the env at once (one Terraform state per env)",
            hint="drop --pipeline / PIPELINE=; `envs/<env>.yaml` `pipelines:` chooses what an env deploys",
        )


def print_summary(summary: terraform.PlanSummary, *, root: object = None) -> None:
    """The plan's changes by resource type, as Terraform counts them (a replacement is one add + one destroy)."""
    if not summary.has_changes:
        out.print("[green]No changes.[/green] The infrastructure matches the configuration.")
        return
    table = Table(title=f"Planned changes ({summary.plan_file.name})", title_justify="left")
    table.add_column("resource type")
    for column in ("add", "change", "destroy"):
        table.add_column(column, justify="right")
    for resource_type, changes in summary.by_type.items():
        table.add_row(resource_type, *(str(n or "") for n in (changes.add, changes.change, changes.destroy)))
    out.print(table)
    for address in summary.replaced:
        out.print(f"  [yellow]replace[/yellow] {address}")
    out.print(f"[bold]{summary.headline()}[/bold]")


def in_ci() -> bool:
    return Settings.from_environ().ci


def confirm(question: str, *, yes: bool, ci_answers: bool = True) -> None:
    """Ask before changing infrastructure; `--yes` (or a CI environment, where `ci_answers`) answers for the user."""
    if yes or (ci_answers and in_ci()):
        return
    if not sys.stdin.isatty():
        raise GlueflowError("refusing to continue without confirmation: stdin is not a terminal", hint="pass --yes")
    if not typer.confirm(question, default=False):
        raise GlueflowError("cancelled; nothing was changed", exit_code=ExitCode.FAILED)
