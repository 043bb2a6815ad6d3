"""Native `terraform test` of provider-free modules, run offline with the bundled Terraform."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from glueflow.iac.terraform_test import run_module_tests


def test_a_provider_free_module_runs_its_tests_and_leaves_no_terraform_dir(tftest_tree: Callable[..., Path]) -> None:
    root = tftest_tree()
    result = run_module_tests([root / "modules/naming"], root)
    assert result.passed == {"naming": 1}
    assert result.findings == []
    assert not (root / "modules/naming/.terraform").exists()


def test_a_failing_run_is_reported_by_name(tftest_tree: Callable[..., Path]) -> None:
    root = tftest_tree("tftest_failing")
    result = run_module_tests([root / "modules/naming"], root)
    assert result.passed == {}
    assert [f.render() for f in result.findings] == [
        'modules/naming/tests/naming.tftest.hcl:10: terraform test run "underscores_become_dashes": '
        "Test assertion failed: the workflow name joins prefix and pipeline with dashes"
    ]


def test_a_module_that_needs_the_aws_provider_is_skipped_with_the_reason(tftest_tree: Callable[..., Path]) -> None:
    root = tftest_tree()
    (root / "modules/naming/versions.tf").write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        '      version = "~> 6.0"\n    }\n  }\n}\n'
    )
    result = run_module_tests([root / "modules/naming"], root)
    assert result.skipped == {"naming": "needs the hashicorp/aws provider, which is not installed here"}
