"""The repo's own terraform/ and modules/ pass every offline check, so `make validate` and `make scan` stay green
and `make test` (CI) catches a regression in the HCL the day it lands."""

from __future__ import annotations

from pathlib import Path

import pytest

from glueflow.iac.checkov_scan import checkov_binary, run_checkov
from glueflow.iac.verify import verify_terraform

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (REPO_ROOT / "terraform").is_dir() or not (REPO_ROOT / "modules").is_dir(), reason="no terraform/ or modules/"
)


def test_the_repo_hcl_passes_fmt_schema_conventions_and_terraform_test() -> None:
    report = verify_terraform(REPO_ROOT)
    assert [f.render() for f in report.findings] == []
    assert report.schema.resources_checked > 0
    assert report.schema.arguments_checked > 0


def test_the_repo_hcl_passes_checkov_with_reasons_for_every_skip(tmp_path: Path) -> None:
    try:
        checkov_binary(REPO_ROOT)
    except Exception as exc:
        pytest.skip(f"checkov is not installed ({exc}); run make setup")
    result = run_checkov(REPO_ROOT, reports_dir=tmp_path)
    assert [o.render() for o in result.failed] == []
    assert result.parsing_errors == []
    assert [o.render() for o in result.skips_without_reason] == []
    assert result.passed > 0
