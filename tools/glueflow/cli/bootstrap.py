"""`glueflow bootstrap`: create an AWS env's Terraform state bucket (like `cdk bootstrap`), once per env."""

from __future__ import annotations

from glueflow import terraform
from glueflow.cli.console import out
from glueflow.cli.options import EnvOption, YesOption
from glueflow.cli.plan import confirm, print_summary
from glueflow.spec import load_deployment


def command(env: EnvOption = "local", yes: YesOption = False) -> None:
    """Create the env's Terraform state bucket: versioned, KMS-encrypted, TLS-only, access-logged.

    Applies terraform/bootstrap/ with the env's account, region and state_bucket (envs/<env>.yaml). Its own
    state stays local in terraform/bootstrap/state/<env>.tfstate (git-ignored; keep it). Run once per env
    before the first `glueflow plan`; it asks before applying unless --yes or CI is set.

    Examples:
      glueflow bootstrap --env dev
      glueflow bootstrap --env prod --yes
    """
    deployment = load_deployment(env)
    runner = terraform.for_bootstrap(deployment)
    plan_file = terraform.plan_path(deployment, terraform.BOOTSTRAP_PLAN_FILE)
    terraform.discard_plan(plan_file)
    runner.init()
    summary = runner.plan(plan_file)
    print_summary(summary)
    if not summary.has_changes:
        terraform.discard_plan(plan_file)
        out.print(f"state bucket {deployment.tfvars.environment.state_bucket} is already in place")
        return
    confirm(f"Create the Terraform state bucket for env '{env}' in account {deployment.env.account_id}?", yes=yes)
    runner.apply(plan_file)
    terraform.discard_plan(plan_file)
    out.print(f"[green]bootstrapped[/green] env '{env}': state bucket {deployment.tfvars.environment.state_bucket}")
    out.print(f"next: glueflow plan --env {env}")
