"""Sandbox tests apply real module examples in an AWS account. They run only with `make test-sandbox`, and only
when AWS credentials and the hashicorp/aws provider are both available; otherwise each is skipped with the reason.

The bundled Terraform is put on PATH for pytest-terraform by glueflow.iac.pytest_plugin (loaded from pyproject's
addopts), so a machine without a `terraform` binary still collects and skips these tests cleanly.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytest_terraform.tf import TerraformRunner

from glueflow.iac.terraform_validate import find_aws_provider

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULES = REPO_ROOT / "modules"


_pytest_terraform_init = TerraformRunner.init


def _init_with_data_dir(self: TerraformRunner) -> None:
    """pytest-terraform 0.7.0 keeps state at <work>/../terraform.tfstate with TF_DATA_DIR=<work> but never creates
    <work>; Terraform creates it only when init has providers or modules to install, so a provider-free config
    fails with "Error acquiring the state lock: open .../work/../terraform.tfstate". Create it first."""
    os.makedirs(self.work_dir, exist_ok=True)
    _pytest_terraform_init(self)


TerraformRunner.init = _init_with_data_dir


def aws_credentials_available() -> bool:
    """Credentials from env, profile or SSO cache; the instance-metadata lookup is disabled (no network probing)."""
    import botocore.session

    previous = os.environ.get("AWS_EC2_METADATA_DISABLED")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    try:
        return botocore.session.Session().get_credentials() is not None
    except Exception:
        return False
    finally:
        if previous is None:
            os.environ.pop("AWS_EC2_METADATA_DISABLED", None)
        else:
            os.environ["AWS_EC2_METADATA_DISABLED"] = previous


def sandbox_skip_reason(example_dir: Path) -> str | None:
    """Why a sandbox apply cannot run here, or None when it can."""
    if not aws_credentials_available():
        return "no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID for a sandbox account)"
    provider_ready = find_aws_provider([example_dir]) is not None or os.environ.get("GLUEFLOW_SANDBOX_PROVIDER") == (
        "download"
    )
    if not provider_ready:
        return (
            "hashicorp/aws provider not installed (it cannot be downloaded here; put it in a plugin mirror, "
            "or set GLUEFLOW_SANDBOX_PROVIDER=download where the registry is reachable)"
        )
    return None


@pytest.fixture(autouse=True)
def _skip_without_sandbox(request: pytest.FixtureRequest) -> None:
    """Skip before any terraform fixture runs `init`/`apply`; the example dir comes from the test's parameter."""
    example = getattr(request.node, "callspec", None)
    example_dir = example.params.get("example") if example else None
    if isinstance(example_dir, Path):
        reason = sandbox_skip_reason(example_dir)
        if reason:
            pytest.skip(reason)
