"""`glueflow scan`: checkov offline with our Glue policies; reports for PR checks; precise failures."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from glueflow.iac.checkov_scan import checkov_binary

REPO_ROOT = Path(__file__).resolve().parents[2]

try:
    checkov_binary(REPO_ROOT)
except Exception as exc:  # pragma: no cover - only without `make setup`
    pytest.skip(f"checkov is not installed ({exc}); run make setup", allow_module_level=True)


def scan(root: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", "scan", "--root", str(root), *map(str, files)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_clean_tree_passes_and_writes_sarif_and_junit(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree()
    result = scan(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed, 0 skipped" in result.stdout
    reports = root / "build" / "reports"
    sarif = json.loads((reports / "checkov.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "Checkov"
    assert sarif["runs"][0]["results"] == []
    suite = ET.parse(reports / "checkov.junit.xml").getroot()
    assert int(suite.get("failures", -1)) == 0
    assert int(suite.get("tests", 0)) > 0
    # Our own policies ran on the clean module and passed.
    passed = json.loads((reports / "checkov.json").read_text())["results"]["passed_checks"]
    assert {"CKV_GLUEFLOW_1", "CKV_GLUEFLOW_2"} <= {c["check_id"] for c in passed}


def test_glue_policies_and_reasonless_skips_fail_the_scan_with_file_and_line(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree("job_without_timeout", "trigger_without_logical", "skip_without_reason")
    result = scan(root)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert (
        "  FAILED  modules/glue_job/job_without_timeout.tf:2: module.glue_job.aws_glue_job.unbounded: CKV_GLUEFLOW_1 "
        "Ensure every Glue job sets a timeout and a security configuration"
    ) in lines
    assert (
        "  FAILED  modules/glue_job/trigger_without_logical.tf:2: module.glue_job.aws_glue_trigger.fan_in: CKV_GLUEFLOW_2 "
        "Ensure every conditional Glue trigger sets predicate.logical"
    ) in lines
    assert any("CKV_AWS_195" in line and "aws_glue_job.unbounded" in line for line in lines)
    assert any(
        line.startswith("  SKIPPED without a reason  modules/glue_job/skip_without_reason.tf:2:")
        and "CKV_AWS_338" in line
        for line in lines
    )
    assert "error: checkov: 4 problem(s)" in result.stderr
    sarif = json.loads((root / "build/reports/checkov.sarif").read_text())
    flagged = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in sarif["runs"][0]["results"]
    }
    assert ("CKV_GLUEFLOW_1", "modules/glue_job/job_without_timeout.tf") in flagged
    assert ("CKV_GLUEFLOW_2", "modules/glue_job/trigger_without_logical.tf") in flagged


def test_scanning_only_changed_files_for_pre_commit(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree("trigger_without_logical")
    result = scan(root, root / "modules/glue_job/trigger_without_logical.tf")
    assert result.returncode == 1
    assert "CKV_GLUEFLOW_2" in result.stdout
    assert "aws_glue_job.this" not in result.stdout
