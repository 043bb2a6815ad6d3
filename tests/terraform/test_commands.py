"""plan / deploy / destroy / bootstrap through the real `glueflow` entry point: what runs, what is refused, and
that failures carry Terraform's own text. No AWS here, so AWS envs are exercised up to where AWS is needed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from glueflow import terraform
from glueflow.cli.destroy import confirm_destroy
from glueflow.errors import GlueflowError
from glueflow.render import render
from glueflow.spec import load_deployment

from .conftest import REPO_ROOT


@pytest.fixture
def iac_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tmp project plus terraform/, modules/ and lambda/, using the bundled Terraform and no AWS identity."""
    for folder in ("terraform", "modules", "lambda"):
        shutil.copytree(
            REPO_ROOT / folder, project / folder, ignore=shutil.ignore_patterns(".terraform*", "state", "__pycache__")
        )
    monkeypatch.setenv("TERRAFORM_BIN", str(Path(sys.executable).parent / "glueflow-terraform"))
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return project


def glueflow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, with no terminal on stdin (so nothing can be confirmed interactively)."""
    return subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", *args],
        cwd=cwd,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=180,
        env=os.environ.copy(),
    )


def test_plan_of_the_local_env_explains_there_is_no_terraform_plan(project: Path) -> None:
    result = glueflow("plan", "--env", "local", cwd=project)
    assert result.returncode == 2
    assert "runs on the embedded runtime" in result.stderr
    assert "glueflow deploy --env local" in result.stderr


def test_plan_refuses_a_single_pipeline_because_the_state_holds_them_all(project: Path) -> None:
    result = glueflow("plan", "--env", "dev", "--pipeline", "customer_purchases", cwd=project)
    assert result.returncode == 2
    assert "one Terraform state per env" in result.stderr


def test_plan_dev_fails_honestly_with_terraforms_own_error_and_a_hint(iac_project: Path) -> None:
    result = glueflow("plan", "--env", "dev", cwd=iac_project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Initializing modules..." in result.stdout, "Terraform's own progress is streamed"
    assert "terraform init failed (exit 1)" in result.stderr
    assert "Error:" in result.stderr, "Terraform's own error text is shown"
    assert "hint:" in result.stderr and "glueflow bootstrap --env" in result.stderr
    assert (iac_project / "build/dev/terraform.tfvars.json").is_file(), "plan renders first"
    assert not (iac_project / "build/dev/plan.tfplan").exists(), "no plan file may look applicable"


def test_deploy_and_destroy_of_the_local_env_provision_and_remove_the_runtime(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_dir = Path(os.environ["GLUEFLOW_STATE_DIR"])
    deployed = glueflow("deploy", "--env", "local", cwd=project)
    assert deployed.returncode == 0, deployed.stderr
    assert "deployed" in deployed.stdout
    raw_bucket = load_deployment("local", root=project).tfvars.environment.buckets.raw
    assert (state_dir / "s3" / raw_bucket / "input" / "sample-data.csv").is_file()

    monkeypatch.setenv("CI", "true")  # CI answers deploy prompts, but only --yes wipes local state
    refused = glueflow("destroy", "--env", "local", cwd=project)
    assert refused.returncode == 2
    assert "without confirmation" in refused.stderr
    assert state_dir.is_dir(), "nothing is deleted without a confirmation"
    monkeypatch.delenv("CI")

    destroyed = glueflow("destroy", "--env", "local", "--yes", cwd=project)
    assert destroyed.returncode == 0, destroyed.stderr
    assert not state_dir.exists()


def test_destroy_prod_without_a_terminal_is_refused_before_terraform_runs(iac_project: Path) -> None:
    result = glueflow("destroy", "--env", "prod", "--yes", cwd=iac_project)
    assert result.returncode == 2
    assert "refusing to destroy 'prod' without its name typed" in result.stderr
    assert "--confirm-env prod" in result.stderr
    assert not (iac_project / "build/prod/.terraform").exists(), "Terraform never ran"


def test_destroy_prod_with_the_wrong_confirm_env_is_refused(iac_project: Path) -> None:
    result = glueflow("destroy", "--env", "prod", "--confirm-env", "dev", cwd=iac_project)
    assert result.returncode == 2
    assert "does not match env 'prod'" in result.stderr


@pytest.mark.parametrize(("typed", "accepted"), [("prod", True), ("dev", False), ("", False), ("PROD", False)])
def test_destroying_prod_needs_its_exact_name_typed(
    project: Path, monkeypatch: pytest.MonkeyPatch, typed: str, accepted: bool
) -> None:
    deployment = load_deployment("prod", root=project)
    monkeypatch.setattr(typer, "prompt", lambda *_args, **_kwargs: typed)
    if accepted:
        confirm_destroy(deployment, yes=False, confirm_env=None)
    else:
        with pytest.raises(GlueflowError, match="nothing was destroyed"):
            confirm_destroy(deployment, yes=True, confirm_env=None)  # --yes does not skip it


def test_deploy_refuses_a_plan_whose_rendered_scripts_changed_since_review(iac_project: Path) -> None:
    deployment = load_deployment("dev", root=iac_project)
    render(deployment)
    plan_file = terraform.plan_path(deployment)
    plan_file.write_bytes(b"reviewed plan")
    terraform.save_fingerprint(deployment, plan_file)
    script = iac_project / deployment.tfvars.pipelines["customer_purchases"].jobs["map_purchases"].script_path
    script.write_text(script.read_text() + "\n# edited after review\n")

    result = glueflow("deploy", "--env", "dev", "--yes", cwd=iac_project)
    assert result.returncode == 2
    assert "plan.tfplan no longer matches the rendered files" in result.stderr
    assert "build/dev/glue_jobs/customer_purchases/map_purchases.py" in result.stderr
    assert "glueflow plan --env dev" in result.stderr
    assert not (iac_project / "build/dev/.terraform").exists(), "nothing was applied"


def test_rerendering_unchanged_specs_keeps_the_reviewed_plan_valid(iac_project: Path) -> None:
    deployment = load_deployment("dev", root=iac_project)
    render(deployment)
    plan_file = terraform.plan_path(deployment)
    plan_file.write_bytes(b"reviewed plan")
    terraform.save_fingerprint(deployment, plan_file)
    render(deployment)  # e.g. `glueflow validate` in between: byte-identical output
    assert terraform.changed_inputs(deployment, plan_file) == []


def test_bootstrap_of_the_local_env_is_refused(project: Path) -> None:
    result = glueflow("bootstrap", "--env", "local", cwd=project)
    assert result.returncode == 2
    assert "deploys only kind: aws envs" in result.stderr


def test_bootstrap_runner_uses_the_envs_state_bucket_and_keeps_state_outside_build(iac_project: Path) -> None:
    deployment = load_deployment("staging", root=iac_project)
    runner = terraform.for_bootstrap(deployment)
    var_file = runner.config.var_files[0]
    assert var_file == (iac_project / "build/staging/bootstrap.tfvars.json").resolve()
    values = var_file.read_text()
    assert '"state_bucket": "glueflow-tfstate-222222222222-eu-west-1"' in values
    assert runner.config.backend_config == (
        f"path={(iac_project / 'terraform/bootstrap/state/staging.tfstate').resolve()}",
    )
    assert runner.config.config_dir == (iac_project / "terraform/bootstrap").resolve()


def test_deployment_runner_uses_the_envs_backend_tfvars_and_data_dir(iac_project: Path) -> None:
    deployment = load_deployment("dev", root=iac_project)
    runner = terraform.for_deployment(deployment)
    build = (iac_project / "build/dev").resolve()
    assert runner.config.config_dir == (iac_project / "terraform").resolve()
    assert runner.config.data_dir == build / ".terraform"
    assert runner.config.var_files == (build / "terraform.tfvars.json",)
    assert runner.config.backend_config == (str(build / "backend.hcl"),)
    assert runner.binary == [os.environ["TERRAFORM_BIN"]]
