"""`glueflow validate`: check the specs, the rendered output and (with --terraform) the HCL, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from glueflow.cli.console import out
from glueflow.cli.options import EnvOption, PipelineOption
from glueflow.errors import GlueflowError
from glueflow.glue import ExitCode
from glueflow.iac.env_inputs import env_plans
from glueflow.iac.offline_run import OfflineResult
from glueflow.iac.schema import load_schema
from glueflow.iac.verify import VerifyReport, verify_terraform
from glueflow.render import render
from glueflow.spec import load_deployment
from glueflow.spec.resolved import TfVars


def command(
    env: EnvOption = "local",
    pipeline: PipelineOption = None,
    terraform: Annotated[
        bool,
        typer.Option(
            "--terraform",
            help="Also check terraform/ and modules/: terraform fmt, the hashicorp/aws schema, module conventions, "
            "terraform test of modules that have tests, and real terraform init/validate/plan of the root (every AWS "
            "env), bootstrap and every example against offline stand-in providers, with the plan held against the "
            "local runtime's definitions.",
        ),
    ] = False,
    tf_root: Annotated[
        Path | None,
        typer.Option("--tf-root", help="Directory holding terraform/ and modules/ (default: the repo root)."),
    ] = None,
) -> None:
    """Validate pipeline specs and rendered output; every problem is reported at once with file:line.

    With --terraform, the HCL is checked offline too; findings print as `file:line: resource "type" "name": message`.

    Exit code 1 when the HCL has any finding.

    Example:  glueflow validate --env dev --terraform
    """
    deployment = load_deployment(env, pipeline)
    result = render(deployment)
    TfVars.model_validate_json((result.build_dir / "terraform.tfvars.json").read_text())
    jobs = sum(len(p.jobs) for p in deployment.tfvars.pipelines.values())
    out.print(f"[green]specs OK[/green]: {len(deployment.specs)} pipeline(s), {jobs} job script(s) compile")
    if terraform:
        iac_root = tf_root or deployment.root
        envs = env_plans(iac_root, {env: deployment}) if (iac_root / "envs").is_dir() else []
        with out.status("terraform init / validate / plan (offline) ...") as status:
            report = verify_terraform(iac_root, envs=envs, progress=lambda line: status.update(escape(line)))
        _print_report(report)
        if report.findings:
            count = len(report.findings)
            raise GlueflowError(
                f"{count} problem{'s' if count != 1 else ''} in terraform/ and modules/",
                hint="fix the file:line findings above; `make fmt` fixes formatting",
                exit_code=ExitCode.FAILED,
            )


def _status(problems: int) -> str:
    return "[green]OK[/green]" if problems == 0 else f"[red]{problems} problem(s)[/red]"


def _print_offline(result: OfflineResult) -> None:
    if not result.ran:
        out.print(f"terraform validate  [yellow]skipped[/yellow]: {escape(result.skipped_reason or 'no HCL')}")
        return
    validated = len(result.configs_validated)
    out.print(
        f"terraform validate  {_status(len(result.findings))}: {validated} configuration(s) with "
        f"{escape(', '.join(result.providers))} in {result.seconds:.1f}s"
    )
    for plan in result.plans:
        if plan.summary is None:
            continue
        label = f"{plan.config} ({plan.env})" if plan.env else plan.config
        types = ", ".join(f"{count.add} {name}" for name, count in plan.summary.by_type.items())
        out.print(f"terraform plan      {escape(label)}: {plan.summary.headline()} {escape(types)}")


def _print_report(report: VerifyReport) -> None:
    schema, conv = report.schema, report.conventions
    provider = load_schema()
    out.print(f"terraform fmt       {_status(len(report.fmt.findings))}: {report.files} .tf file(s)")
    unchecked = f"; other providers not checked: {', '.join(sorted(schema.unchecked_types))}" * bool(
        schema.unchecked_types
    )
    out.print(
        f"schema check        {_status(len(schema.findings))}: {schema.resources_checked} resource/data block(s), "
        f"{schema.arguments_checked} argument(s), {schema.blocks_checked} nested block(s), "
        f"{schema.references_checked} attribute reference(s) checked against "
        f"hashicorp/aws {provider.version} ({provider.source}){escape(unchecked)}"
    )
    out.print(
        f"conventions         {_status(len(conv.findings))}: {conv.modules_checked} module(s), "
        f"{conv.variables_checked} variable(s), {conv.outputs_checked} output(s)"
    )
    _print_offline(report.validate)
    for comparison in report.runtime:
        problems = len(comparison.findings or [])
        out.print(
            f"plan vs runtime     {_status(problems)}: {comparison.env}: {comparison.compared} aws_glue_* resource(s), "
            f"{comparison.fields} field(s) equal to the local runtime's definitions"
            if not problems
            else f"plan vs runtime     {_status(problems)}: {comparison.env}"
        )
    tests = report.tests
    ran = ", ".join(f"{module} ({runs} runs)" for module, runs in sorted(tests.passed.items()))
    skipped = "; ".join(f"{module} skipped: {reason}" for module, reason in sorted(tests.skipped.items()))
    summary = "; ".join(part for part in (ran, skipped) if part) or "no module has tests/*.tftest.hcl"
    out.print(f"terraform test      {_status(len(tests.findings))}: {escape(summary)}")
    for finding in report.findings:
        out.print(f"  {escape(finding.render())}")
    out.print(f"[dim]terraform checks took {report.seconds:.1f}s[/dim]")
