"""`glueflow render`: write build/<env>/ from the specs and templates."""

from __future__ import annotations

from glueflow.cli.console import out
from glueflow.cli.options import EnvOption
from glueflow.render import render
from glueflow.spec import load_deployment


def command(env: EnvOption = "local") -> None:
    """Render build/<env>/: terraform.tfvars.json, backend.hcl, job scripts and the job library zip.

    Every pipeline the env enables is rendered, so Terraform always sees the whole deployment.

    Example:  glueflow render --env dev
    """
    deployment = load_deployment(env)
    result = render(deployment)
    for path in result.files:
        out.print(f"  wrote {path.relative_to(deployment.root)}")
    out.print(f"[green]rendered {len(deployment.specs)} pipeline(s) for env '{env}'[/green]")
