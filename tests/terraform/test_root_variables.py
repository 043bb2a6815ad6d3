"""terraform/variables.tf mirrors build/<env>/terraform.tfvars.json exactly: real Terraform reads every env's
rendered tfvars through those types and validations and hands back the same values, and every real pipeline
passes the workflow_graph checks the root configuration applies to it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from glueflow.render import render
from glueflow.spec import load_deployment
from glueflow.terraform import TerraformConfig, TerraformError, TerraformRunner

from .conftest import REPO_ROOT

# A provider-free stand-in for terraform/main.tf: the real variables.tf, the real workflow_graph module, and
# outputs echoing the variables after Terraform's type conversion.
HARNESS = """\
module "graph" {
  source   = "../modules/workflow_graph"
  for_each = var.pipelines
  pipeline = each.value
}

output "environment" {
  value = var.environment
}

output "pipelines" {
  value = var.pipelines
}

output "start_triggers" {
  value = { for key, graph in module.graph : key => graph.start_trigger.type }
}
"""


Edit = Callable[[dict[str, Any]], None]
Harness = Callable[..., dict[str, object]]


def root_locals() -> str:
    """terraform/main.tf's `locals` block, so its for-expressions run on real rendered values too."""
    text = (REPO_ROOT / "terraform" / "main.tf").read_text()
    start = text.index("\nlocals {\n")
    end = text.index("\n}\n", start) + 3
    return text[start:end] + STARTER_OUTPUTS


STARTER_OUTPUTS = """
output "starters" {
  value = local.starters
}

output "job_keys" {
  value = keys(local.jobs)
}
"""


@pytest.fixture
def harness(project: Path, terraform_bin: list[str]) -> Harness:
    """A rendered tmp project with terraform/ = the real variables.tf + HARNESS; returns plan(env) -> outputs."""
    config = project / "terraform"
    config.mkdir()
    shutil.copy(REPO_ROOT / "terraform" / "variables.tf", config / "variables.tf")
    (config / "harness.tf").write_text(HARNESS + root_locals())
    shutil.copytree(REPO_ROOT / "modules" / "workflow_graph", project / "modules" / "workflow_graph")

    def plan(env: str, edit: Edit | None = None) -> dict[str, object]:
        deployment = load_deployment(env, root=project)
        render(deployment)
        var_file = deployment.build_dir / "terraform.tfvars.json"
        if edit is not None:
            values = json.loads(var_file.read_text())
            edit(values)
            var_file.write_text(json.dumps(values))
        runner = TerraformRunner(
            TerraformConfig(config_dir=config, data_dir=project / ".tfdata", var_files=(var_file,)),
            binary=terraform_bin,
            sink=lambda _line: None,
            err_sink=lambda _text: None,
        )
        runner.init()
        plan_file = project / f"{env}.tfplan"
        runner.plan(plan_file)
        shown = runner.run("show", ["-json", str(plan_file)], stream=False)
        outputs = json.loads(shown)["planned_values"]["outputs"]
        return {name: output["value"] for name, output in outputs.items()}

    return plan


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_rendered_tfvars_pass_through_the_root_variable_types_unchanged(
    harness: Harness, project: Path, env: str
) -> None:
    outputs = harness(env)
    rendered = json.loads((project / "build" / env / "terraform.tfvars.json").read_text())
    # Terraform drops attributes a type does not declare and adds declared ones as null: equality proves the
    # types list exactly the rendered attributes.
    assert outputs["environment"] == rendered["environment"]
    assert outputs["pipelines"] == rendered["pipelines"]
    assert set(outputs["start_triggers"]) == set(rendered["pipelines"])
    assert set(outputs["start_triggers"].values()) <= {"ON_DEMAND", "SCHEDULED", "EVENT"}
    # terraform/main.tf's locals: one starter per pipeline with an upload starter, jobs keyed <pipeline>/<job>
    with_starter = {key for key, p in rendered["pipelines"].items() if p["upload_starter"]}
    assert set(outputs["starters"]) == with_starter
    for key in with_starter:
        starter = outputs["starters"][key]
        assert starter["dlq_name"] == rendered["pipelines"][key]["upload_starter"]["function_name"] + "-dlq"
        assert starter["idempotency_prefix"] == f"lambda-idempotency/{key}/"
        assert starter["workflow_name"] == rendered["pipelines"][key]["workflow_name"]
    assert sorted(outputs["job_keys"]) == sorted(
        f"{p}/{j}" for p, pipe in rendered["pipelines"].items() for j in pipe["jobs"]
    )


def test_local_env_is_refused_by_the_root_configuration(harness: Harness) -> None:
    def make_local(values: dict[str, Any]) -> None:
        values["environment"]["kind"] = "local"

    with pytest.raises(TerraformError) as caught:
        harness("dev", make_local)
    assert "runs on glueflow's embedded runtime" in " ".join(str(caught.value).split())


def test_missing_rendered_script_is_reported_with_the_fix(harness: Harness) -> None:
    def point_at_missing_script(values: dict[str, Any]) -> None:
        job = values["pipelines"]["customer_purchases"]["jobs"]["map_purchases"]
        job["script_path"] = "build/dev/glue_jobs/customer_purchases/missing.py"

    with pytest.raises(TerraformError) as caught:
        harness("dev", point_at_missing_script)
    assert "A rendered job script is missing" in " ".join(str(caught.value).split())


def test_rendered_connections_reach_the_jobs_that_attach_them(harness: Harness, project: Path) -> None:
    outputs = harness("dev")
    environment = outputs["environment"]
    assert isinstance(environment, dict)
    warehouse = environment["connections"]["warehouse"]
    assert warehouse["name"] == "glueflow-dev-warehouse"
    assert warehouse["secret_kms_key_arn"] is None
    pipelines = outputs["pipelines"]
    assert isinstance(pipelines, dict)
    assert pipelines["covid_hiring"]["jobs"]["load_warehouse"]["connections"] == ["glueflow-dev-warehouse"]


def test_a_job_naming_an_undefined_connection_is_refused(harness: Harness) -> None:
    def drop_connections(values: dict[str, Any]) -> None:
        values["environment"]["connections"] = {}

    with pytest.raises(TerraformError) as caught:
        harness("dev", drop_connections)
    assert "A job names a connection the environment does not define" in " ".join(str(caught.value).split())


def test_a_connection_secret_must_be_a_secret_arn(harness: Harness) -> None:
    def wildcard_secret(values: dict[str, Any]) -> None:
        values["environment"]["connections"]["warehouse"]["secret_arn"] = "arn:aws:secretsmanager:eu-west-1:1:secret:*"

    with pytest.raises(TerraformError) as caught:
        harness("dev", wildcard_secret)
    assert "secret_arn must be a Secrets Manager secret ARN" in " ".join(str(caught.value).split())
