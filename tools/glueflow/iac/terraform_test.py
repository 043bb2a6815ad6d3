"""Native `terraform test` for modules that ship tests/*.tftest.hcl, run offline where their providers allow.

Provider-free modules (workflow_graph: trigger graph logic, name derivation, cross-reference checks) always run;
a module that needs hashicorp/aws runs only where the provider plugin is installed, and is skipped with the reason
otherwise. TF_DATA_DIR points at a temp dir, so no .terraform/ is left inside modules/.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from glueflow.iac.findings import Finding, display_path
from glueflow.iac.fmt import run_terraform
from glueflow.iac.terraform_validate import find_aws_provider

_SUMMARY = re.compile(r"(\d+) passed, (\d+) failed")
_FAILED_RUN = re.compile(r'^\s*run "([^"]+)"\.\.\. fail', re.MULTILINE)


@dataclass
class TerraformTestResult:
    passed: dict[str, int] = field(default_factory=dict)  # module -> runs passed
    skipped: dict[str, str] = field(default_factory=dict)  # module -> reason
    findings: list[Finding] = field(default_factory=list)


def modules_with_tests(module_dirs: list[Path]) -> list[Path]:
    return [d for d in module_dirs if any((d / "tests").glob("*.tftest.hcl"))]


def _needs_aws(module_dir: Path) -> bool:
    return any("hashicorp/aws" in f.read_text(encoding="utf-8") for f in module_dir.glob("*.tf"))


def run_module_tests(module_dirs: list[Path], root: Path) -> TerraformTestResult:
    result = TerraformTestResult()
    for module_dir in modules_with_tests(module_dirs):
        name = module_dir.name
        if _needs_aws(module_dir) and find_aws_provider([module_dir]) is None:
            result.skipped[name] = "needs the hashicorp/aws provider, which is not installed here"
            continue
        with tempfile.TemporaryDirectory(prefix=f"glueflow-tftest-{name}-") as data_dir:
            env = {"TF_DATA_DIR": data_dir}
            code, stdout, stderr = run_terraform(
                ["init", "-backend=false", "-input=false", "-no-color"], module_dir, env
            )
            if code == 0:
                code, stdout, stderr = run_terraform(["test", "-no-color"], module_dir, env)
        summary = _SUMMARY.search(stdout)
        if code == 0 and summary:
            result.passed[name] = int(summary.group(1))
            continue
        result.findings += _failures(stdout, stderr, module_dir, root) or [
            Finding(display_path(module_dir, root), 0, f"terraform test {name}", _last_line(stderr), "terraform")
        ]
    return result


def _failures(stdout: str, stderr: str, module_dir: Path, root: Path) -> list[Finding]:
    """One finding per failed run, at the assertion's file:line, with the test's own error_message."""
    findings = []
    diagnostics = re.split(r"(?m)^Error: ", stderr)[1:]
    for run in _FAILED_RUN.findall(stdout):
        where, line, message = display_path(module_dir, root), 0, "failed"
        for diagnostic in diagnostics:
            location = re.search(rf'on (\S+) line (\d+), in run "{re.escape(run)}":', diagnostic)
            if location:
                where = display_path(module_dir / location.group(1), root)
                line = int(location.group(2))
                message = f"{diagnostic.splitlines()[0]}: {_last_line(diagnostic)}"
                break
        findings.append(Finding(where, line, f'terraform test run "{run}"', message, "terraform"))
    return findings


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "terraform test failed"
