"""Sandbox tests: real `terraform init/validate/plan/apply` against the hashicorp/aws provider and an AWS account.

They need the provider (registry access or a mirror), AWS credentials for a throw-away account and an explicit
opt-in: GLUEFLOW_SANDBOX=1, plus GLUEFLOW_SANDBOX_ENV=<env> (an envs/<env>.yaml whose account_id is the sandbox)
for the plan test. Everywhere else they are skipped with the reason; nothing here is ever faked.
Run: GLUEFLOW_SANDBOX=1 GLUEFLOW_SANDBOX_ENV=dev pytest -m sandbox tests/terraform/test_sandbox.py
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from glueflow import terraform
from glueflow.spec import load_deployment
from glueflow.terraform import TerraformConfig, TerraformRunner

from .conftest import REPO_ROOT

pytestmark = pytest.mark.sandbox

EXAMPLES = sorted(p.relative_to(REPO_ROOT / "modules").as_posix() for p in (REPO_ROOT / "modules").glob("*/examples/*"))


def _skip_reason() -> str | None:
    if os.environ.get("GLUEFLOW_SANDBOX") != "1":
        return "sandbox tests need GLUEFLOW_SANDBOX=1, AWS credentials for a sandbox account and the hashicorp/aws provider"
    import boto3

    if boto3.Session().get_credentials() is None:
        return "no AWS credentials for the sandbox account"
    return None


@pytest.fixture(autouse=True)
def sandbox_only() -> None:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)


def example_runner(tmp_path: Path, terraform_bin: list[str], example: str) -> TerraformRunner:
    """A copy of modules/ (examples refer to sibling modules) with a local state for one example."""
    shutil.copytree(REPO_ROOT / "modules", tmp_path / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    shutil.copytree(REPO_ROOT / "lambda", tmp_path / "lambda")
    return TerraformRunner(
        TerraformConfig(config_dir=tmp_path / "modules" / example, data_dir=tmp_path / ".tfdata"),
        binary=terraform_bin,
    )


@pytest.mark.parametrize("example", EXAMPLES)
def test_module_example_validates_against_the_aws_provider(
    tmp_path: Path, terraform_bin: list[str], example: str
) -> None:
    runner = example_runner(tmp_path, terraform_bin, example)
    runner.init()
    runner.run("validate", ["-no-color"])


def test_on_demand_workflow_applies_without_starting_a_run(tmp_path: Path, terraform_bin: list[str]) -> None:
    import boto3

    runner = example_runner(tmp_path, terraform_bin, "glue_workflow/examples/basic")
    runner.init()
    plan_file = tmp_path / "plan.tfplan"
    runner.plan(plan_file)
    runner.apply(plan_file)
    try:
        workflow = str(runner.outputs()["workflow_name"])
        glue = boto3.client("glue")
        start = glue.get_trigger(Name=workflow.removesuffix("-workflow") + "-start")["Trigger"]
        assert start["State"] == "CREATED"
        assert glue.get_workflow_runs(Name=workflow)["Runs"] == []
        conditional = glue.get_trigger(Name=workflow.removesuffix("-workflow") + "-raw-crawled")["Trigger"]
        assert conditional["State"] == "ACTIVATED"
        assert conditional["Predicate"]["Logical"] == "ANY"
    finally:
        runner.apply(runner.plan(plan_file, destroy=True).plan_file)


def test_root_configuration_plans_recipe_000_with_every_resource(terraform_bin: list[str]) -> None:
    env = os.environ.get("GLUEFLOW_SANDBOX_ENV")
    if not env:
        pytest.skip("set GLUEFLOW_SANDBOX_ENV to an env whose account is the sandbox (bootstrapped)")
    deployment = load_deployment(env)
    runner = terraform.for_deployment(deployment, binary=terraform_bin)
    summary = terraform.plan_deployment(deployment, runner)
    planned = json.loads(runner.run("show", ["-json", str(summary.plan_file)], stream=False))
    types = {change["type"] for change in planned["resource_changes"]}
    assert {
        "aws_s3_bucket",
        "aws_iam_role",
        "aws_kms_key",
        "aws_glue_catalog_database",
        "aws_glue_security_configuration",
        "aws_glue_crawler",
        "aws_glue_job",
        "aws_glue_workflow",
        "aws_glue_trigger",
        "aws_sns_topic",
        "aws_cloudwatch_event_rule",
        "aws_athena_workgroup",
    } <= types
    terraform.discard_plan(summary.plan_file)
