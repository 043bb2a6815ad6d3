"""Native `terraform test` of provider-free modules, run offline with the bundled Terraform."""

from __future__ import annotations

import shutil
from pathlib import Path

from glueflow.iac.terraform_test import run_module_tests

FIXTURES = Path(__file__).parent / "fixtures"


def module_tree(tmp_path: Path, *broken: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "tftest", root)
    for case in broken:
        shutil.copytree(FIXTURES / "broken" / case, root, dirs_exist_ok=True)
    return root


def test_a_provider_free_module_runs_its_tests_and_leaves_no_terraform_dir(tmp_path: Path) -> None:
    root = module_tree(tmp_path)
    result = run_module_tests([root / "modules/naming"], root)
    assert result.passed == {"naming": 1}
    assert result.findings == []
    assert not (root / "modules/naming/.terraform").exists()


def test_a_failing_run_is_reported_by_name(tmp_path: Path) -> None:
    root = module_tree(tmp_path, "tftest_failing")
    result = run_module_tests([root / "modules/naming"], root)
    assert result.passed == {}
    assert [f.render() for f in result.findings] == [
        'modules/naming/tests/naming.tftest.hcl:10: terraform test run "underscores_become_dashes": '
        "Test assertion failed: the workflow name joins prefix and pipeline with dashes"
    ]


def test_a_module_that_needs_the_aws_provider_is_skipped_with_the_reason(tmp_path: Path) -> None:
    root = module_tree(tmp_path)
    (root / "modules/naming/versions.tf").write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        '      version = "~> 6.0"\n    }\n  }\n}\n'
    )
    result = run_module_tests([root / "modules/naming"], root)
    assert result.skipped == {"naming": "needs the hashicorp/aws provider, which is not installed here"}
