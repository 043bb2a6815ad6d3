"""Each AWS env's inputs for the offline plans: its rendered terraform.tfvars.json and the bootstrap variables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from glueflow.spec.deployment import Deployment, available_envs, load_deployment


@dataclass(frozen=True)
class EnvPlan:
    name: str
    tfvars: Path  # build/<env>/terraform.tfvars.json
    bootstrap_tfvars: Path | None  # None: the env names no state bucket, so there is no bootstrap to plan
    deployment: Deployment


def bootstrap_values(deployment: Deployment) -> dict[str, object]:
    """The variables `glueflow bootstrap` passes terraform/bootstrap/ (see glueflow.terraform.for_bootstrap)."""
    env = deployment.tfvars.environment
    return {
        "state_bucket": env.state_bucket,
        "account_id": env.account_id,
        "region": env.region,
        "name_prefix": env.name_prefix,
        "env_name": env.name,
        "tags": env.tags,
    }


def env_plans(root: Path, rendered: dict[str, Deployment] | None = None) -> list[EnvPlan]:
    """Render every `kind: aws` env (the ones already rendered are reused) and write its bootstrap var file."""
    from glueflow.render import render  # Jinja2: only when rendering

    plans = []
    rendered = dict(rendered or {})
    for name in available_envs(root):
        deployment = rendered.get(name) or load_deployment(name, root=root)
        if deployment.env.kind != "aws":
            continue
        if name not in rendered:
            render(deployment)
        bootstrap = None
        if deployment.tfvars.environment.state_bucket:
            bootstrap = root / "build" / "iac" / "vars" / f"{name}-bootstrap.tfvars.json"
            bootstrap.parent.mkdir(parents=True, exist_ok=True)
            bootstrap.write_text(json.dumps(bootstrap_values(deployment), indent=2, sort_keys=True) + "\n")
        plans.append(EnvPlan(name, deployment.build_dir / "terraform.tfvars.json", bootstrap, deployment))
    return plans
