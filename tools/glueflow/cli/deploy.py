"""`glueflow deploy`: apply the reviewed Terraform plan (AWS envs) or provision the embedded runtime (local)."""

from __future__ import annotations

import time
from types import ModuleType

from glueflow import terraform
from glueflow.cli.console import out
from glueflow.cli.options import EnvOption, PipelineOption, YesOption
from glueflow.cli.plan import confirm, print_summary, reject_pipeline
from glueflow.spec import load_deployment
from glueflow.spec.deployment import Deployment


def command(env: EnvOption = "local", pipeline: PipelineOption = None, yes: YesOption = False) -> None:
    """Deploy the env: on AWS, apply exactly the reviewed plan; locally, provision the embedded runtime.

    AWS envs: applies build/<env>/plan.tfplan from `glueflow plan` (it plans first when there is none), after
    showing its summary and asking (skipped with --yes or when CI is set). A plan whose rendered inputs changed
    since it was made is refused. env local: creates the runtime's buckets, catalog and definitions.

    Examples:
      glueflow plan --env dev && glueflow deploy --env dev    # review, then apply that plan
      CI=true glueflow deploy --env staging                   # in CI: plans if needed, applies, no prompt
      glueflow deploy                                         # env local: the embedded runtime
    """
    deployment = load_deployment(env)
    if deployment.env.kind == "local":
        if pipeline:
            deployment = load_deployment(env, pipeline)
        local_provision().deploy(deployment)
        out.print(f"[green]deployed[/green] {len(deployment.tfvars.pipelines)} pipeline(s) to the local runtime")
        out.print(f"  state: {deployment.state_dir}")
        return
    reject_pipeline(pipeline, "deploy")
    apply_reviewed_plan(deployment, yes=yes)


def apply_reviewed_plan(deployment: Deployment, *, yes: bool) -> None:
    env = deployment.env.name
    runner = terraform.for_deployment(deployment)
    plan_file = terraform.plan_path(deployment)
    if plan_file.is_file():
        age_minutes = (time.time() - plan_file.stat().st_mtime) / 60
        out.print(f"Applying the reviewed plan {plan_file.relative_to(deployment.root)} ({age_minutes:.0f} min old)")
        summary = terraform.reviewed_plan(deployment, runner)
    else:
        out.print(f"No reviewed plan for '{env}': planning now")
        summary = terraform.plan_deployment(deployment, runner)
    print_summary(summary)
    if not summary.has_changes:
        terraform.discard_plan(plan_file)
        return
    confirm(f"Apply this plan to env '{env}' (account {deployment.env.account_id})?", yes=yes)
    runner.apply(plan_file)
    terraform.discard_plan(plan_file)  # applied plans are spent; Terraform would reject it as stale anyway
    outputs = runner.outputs()
    out.print(f"[green]deployed[/green] env '{env}'")
    for name in ("workflow_names", "buckets", "lambda_function_names"):
        if outputs.get(name):
            out.print(f"  {name}: {outputs[name]}")


def local_provision() -> ModuleType:
    """The local runtime's provisioning module, imported only for a local env (it pulls in the runtime)."""
    from glueflow.local import provision

    return provision
