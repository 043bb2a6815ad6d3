"""The Terraform runner end to end with real (bundled) Terraform on a provider-free configuration:
init -> plan file -> summary -> apply -> change -> destroy, and Terraform's own errors on the failure path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glueflow.errors import GlueflowError
from glueflow.terraform import TerraformConfig, TerraformError, TerraformRunner, TypeChanges, resolve_binary

CONFIG = """\
terraform {
  required_version = ">= 1.10"
  backend "local" {}
}

variable "names" {
  type = list(string)

  validation {
    condition     = alltrue([for n in var.names : can(regex("^[a-z]+$", n))])
    error_message = "names must be lowercase words; got: ${join(", ", var.names)}."
  }
}

variable "greeting" {
  type    = string
  default = "hello"
}

resource "terraform_data" "item" {
  for_each = toset(var.names)
  input    = "${var.greeting} ${each.key}"
}

resource "terraform_data" "marker" {
  input            = length(var.names)
  triggers_replace = [var.greeting]
}

output "greetings" {
  value = { for name, item in terraform_data.item : name => item.output }
}
"""


Workspace = tuple[TerraformRunner, Path, list[str]]


@pytest.fixture
def workspace(tmp_path: Path, terraform_bin: list[str]) -> Workspace:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "main.tf").write_text(CONFIG)
    var_file = tmp_path / "vars.tfvars.json"
    var_file.write_text(json.dumps({"names": ["ada", "grace", "linus"]}))
    printed: list[str] = []
    runner = TerraformRunner(
        TerraformConfig(
            config_dir=config_dir,
            data_dir=tmp_path / "data",
            var_files=(var_file,),
            backend_config=(f"path={tmp_path / 'state' / 'terraform.tfstate'}",),
        ),
        binary=terraform_bin,
        sink=printed.append,
        err_sink=lambda _text: None,
    )
    return runner, tmp_path, printed


def managed_resources(state_file: Path) -> list[str]:
    state = json.loads(state_file.read_text())
    return sorted(
        f"{r['type']}.{r['name']}" for r in state["resources"] if r["mode"] == "managed" for _ in r["instances"]
    )


def test_plan_apply_change_and_destroy_through_saved_plan_files(workspace: Workspace) -> None:
    runner, tmp, printed = workspace
    state_file = tmp / "state" / "terraform.tfstate"
    plan_file = tmp / "out" / "plan.tfplan"

    runner.init()
    assert (tmp / "data" / "terraform.tfstate").is_file(), "TF_DATA_DIR must hold the backend configuration"
    assert not (tmp / "config" / ".terraform").exists()

    summary = runner.plan(plan_file)
    assert plan_file.is_file()
    assert summary.by_type["terraform_data"].add == 4
    assert (summary.add, summary.change, summary.destroy) == (4, 0, 0)
    assert summary.headline() == "Plan: 4 to add, 0 to change, 0 to destroy."
    assert "Plan: 4 to add, 0 to change, 0 to destroy.\n" in printed, "Terraform's plan output is streamed"
    assert not state_file.exists(), "planning changes nothing"

    runner.apply(plan_file)
    assert managed_resources(state_file) == ["terraform_data.item"] * 3 + ["terraform_data.marker"]
    assert runner.outputs()["greetings"] == {"ada": "hello ada", "grace": "hello grace", "linus": "hello linus"}

    (tmp / "vars.tfvars.json").write_text(json.dumps({"names": ["ada", "grace"], "greeting": "hi"}))
    summary = runner.plan(plan_file)
    # linus goes, ada and grace change greeting, the marker is replaced because the greeting changed
    assert summary.by_type["terraform_data"] == TypeChanges(add=1, change=2, destroy=2, replace=1)
    assert summary.replaced == ("terraform_data.marker",)
    runner.apply(plan_file)
    assert runner.outputs()["greetings"] == {"ada": "hi ada", "grace": "hi grace"}

    summary = runner.plan(plan_file, destroy=True)
    assert (summary.add, summary.change, summary.destroy) == (0, 0, 3)
    runner.apply(plan_file)
    assert managed_resources(state_file) == []


def test_unchanged_configuration_plans_no_changes(workspace: Workspace) -> None:
    runner, tmp, _ = workspace
    plan_file = tmp / "plan.tfplan"
    runner.init()
    runner.apply(runner.plan(plan_file).plan_file)
    summary = runner.plan(plan_file)
    assert not summary.has_changes
    assert summary.by_type == {}


def test_validation_error_surfaces_terraforms_own_text_and_exit_code(workspace: Workspace) -> None:
    runner, tmp, _ = workspace
    (tmp / "vars.tfvars.json").write_text(json.dumps({"names": ["ada", "Bad Name"]}))
    runner.init()
    with pytest.raises(TerraformError) as caught:
        runner.plan(tmp / "plan.tfplan")
    error = caught.value
    assert error.returncode == 1
    assert error.exit_code == 1
    assert "terraform plan failed (exit 1)" in str(error)
    assert "Invalid value for variable" in str(error)
    assert "names must be lowercase words; got: ada, Bad Name." in str(error)
    assert not (tmp / "plan.tfplan").exists()


def test_a_plan_cannot_be_applied_twice(workspace: Workspace) -> None:
    runner, tmp, _ = workspace
    plan_file = tmp / "plan.tfplan"
    runner.init()
    runner.plan(plan_file)
    runner.apply(plan_file)
    with pytest.raises(TerraformError, match="Saved plan is stale"):
        runner.apply(plan_file)


def test_apply_without_a_plan_file_says_how_to_make_one(workspace: Workspace) -> None:
    runner, tmp, _ = workspace
    with pytest.raises(GlueflowError, match="no plan file") as caught:
        runner.apply(tmp / "missing.tfplan")
    assert "glueflow plan" in (caught.value.hint or "")


def test_runner_sets_automation_environment(workspace: Workspace) -> None:
    runner, tmp, _ = workspace
    env = runner.environment()
    assert env["TF_IN_AUTOMATION"] == "1"
    assert env["TF_INPUT"] == "0"
    assert env["TF_DATA_DIR"] == str(tmp / "data")


def test_terraform_bin_wins_over_path(tmp_path: Path) -> None:
    fake = tmp_path / "my-terraform"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "terraform").write_text("#!/bin/sh\n")
    (on_path / "terraform").chmod(0o755)
    assert resolve_binary({"TERRAFORM_BIN": str(fake), "PATH": str(on_path)}) == [str(fake)]
    assert resolve_binary({"PATH": str(on_path)}) == [str(on_path / "terraform")]


def test_without_terraform_on_path_the_bundled_one_is_used(tmp_path: Path) -> None:
    command = resolve_binary({"PATH": str(tmp_path)})
    assert command[1:] == ["-m", "glueflow.terraform_cli"]


def test_a_terraform_bin_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GlueflowError, match="TERRAFORM_BIN=/nope/terraform is not an executable"):
        resolve_binary({"TERRAFORM_BIN": "/nope/terraform", "PATH": str(tmp_path)})
