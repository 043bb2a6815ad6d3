"""`glueflow-terraform` behaves like the terraform binary: same output, same exit codes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import REPO_ROOT


def tf(binary: list[str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_version_prints_terraforms_version(terraform_bin: list[str], tmp_path: Path) -> None:
    result = tf(terraform_bin, "version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Terraform v1.")


def test_fmt_check_exits_3_and_shows_the_diff_for_unformatted_hcl(terraform_bin: list[str], tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "x" {\ninput="a"\n}\n')
    result = tf(terraform_bin, "fmt", "-check", "-diff", cwd=tmp_path)
    assert result.returncode == 3
    assert '+  input = "a"' in result.stdout


def test_validate_reports_an_unknown_argument_with_exit_1(terraform_bin: list[str], tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "x" {\n  inptu = "a"\n}\n')
    assert tf(terraform_bin, "init", "-input=false", cwd=tmp_path).returncode == 0
    result = tf(terraform_bin, "validate", "-no-color", cwd=tmp_path)
    assert result.returncode == 1
    assert 'An argument named "inptu" is not expected here.' in result.stderr


def test_repo_hcl_is_fmt_clean(terraform_bin: list[str]) -> None:
    result = tf(terraform_bin, "fmt", "-check", "-recursive", "-diff", "terraform", "modules", cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout
