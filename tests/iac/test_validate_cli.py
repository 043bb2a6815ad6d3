"""`glueflow validate --terraform` end to end: exit codes, counts and file:line findings a user (or CI) sees."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def validate(project: Path, tf_root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", "validate", "--terraform", "--tf-root", str(tf_root)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_validate_terraform_passes_on_the_clean_tree_and_prints_counts(
    project: Path, hcl_tree: Callable[..., Path]
) -> None:
    result = validate(project, hcl_tree())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "terraform fmt       OK: 8 .tf file(s)" in result.stdout
    assert "schema check        OK: 4 resource/data block(s)" in result.stdout
    assert "conventions         OK: 1 module(s), 9 variable(s), 2 output(s)" in result.stdout
    # real `terraform validate` of the fixture's terraform/ root, against the stand-in provider
    assert "terraform validate  OK: 1 configuration(s) with hashicorp/aws 6.69.1 (glueflow stand-in)" in result.stdout


def test_validate_terraform_fails_with_every_problem_at_once(project: Path, hcl_tree: Callable[..., Path]) -> None:
    # `unformatted` comes last, so its outputs.tf (described, misaligned) replaces the one `conventions` edits:
    # 1 schema + 1 terraform validate + 1 fmt + 5 conventions problems.
    result = validate(project, hcl_tree("misspelled_argument", "conventions", "unformatted"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        '  modules/glue_job/main.tf:15: resource "aws_glue_job" "this": unsupported argument "timout"; did you mean "timeout"?'
        in lines
    )
    assert (
        '  modules/glue_job/main.tf:15: terraform validate of terraform: Unsupported argument: An argument named "timout" '
        'is not expected here. Did you mean "timeout"?' in lines
    )
    assert any(
        line.startswith("  modules/glue_job/outputs.tf:")
        and line.endswith("not in canonical format; run `make fmt` (terraform fmt)")
        for line in lines
    )
    assert any(
        line.startswith('  modules/glue_job/variables.tf:40: variable "tags": type uses map(any)') for line in lines
    )
    assert "error: 8 problems in terraform/ and modules/" in result.stderr
