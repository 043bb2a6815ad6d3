"""`glueflow validate --terraform`: every offline check of terraform/ and modules/ in one pass, findings together."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from glueflow.iac.conventions import ConventionsResult, check_conventions
from glueflow.iac.findings import Finding
from glueflow.iac.fmt import FmtResult, check_format
from glueflow.iac.hcl import parse_file, tf_files
from glueflow.iac.schema import load_schema
from glueflow.iac.schema_check import SchemaCheckResult, check_files
from glueflow.iac.terraform_test import TerraformTestResult, run_module_tests
from glueflow.iac.terraform_validate import ValidateResult, validate_configs


@dataclass(frozen=True)
class IacLayout:
    """Where the HCL lives: the root configuration and one directory per module (examples inside modules)."""

    root: Path

    @property
    def terraform_dir(self) -> Path:
        return self.root / "terraform"

    @property
    def modules_dir(self) -> Path:
        return self.root / "modules"

    def scan_dirs(self) -> list[Path]:
        return [d for d in (self.terraform_dir, self.modules_dir) if d.is_dir()]

    def module_dirs(self) -> list[Path]:
        if not self.modules_dir.is_dir():
            return []
        return sorted(d for d in self.modules_dir.iterdir() if d.is_dir() and not d.name.startswith("."))

    def root_dirs(self) -> list[Path]:
        """Root configurations: terraform/ and its sub-configurations (e.g. terraform/bootstrap), when they hold HCL."""
        candidates = [self.terraform_dir, *sorted(d for d in self.terraform_dir.glob("*") if d.is_dir())]
        return [d for d in candidates if not d.name.startswith(".") and any(d.glob("*.tf"))]


@dataclass
class VerifyReport:
    files: int = 0
    fmt: FmtResult = field(default_factory=FmtResult)
    schema: SchemaCheckResult = field(default_factory=SchemaCheckResult)
    conventions: ConventionsResult = field(default_factory=ConventionsResult)
    validate: ValidateResult = field(default_factory=ValidateResult)
    tests: TerraformTestResult = field(default_factory=TerraformTestResult)
    seconds: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        checks = (self.fmt, self.schema, self.conventions, self.validate, self.tests)
        return [finding for check in checks for finding in check.findings]


def verify_terraform(root: Path, *, run_validate: bool = True, run_tests: bool = True) -> VerifyReport:
    started = time.perf_counter()
    layout = IacLayout(root)
    report = VerifyReport()
    paths = tf_files(layout.scan_dirs())
    parsed = [parse_file(p) for p in paths]
    report.files = len(parsed)
    report.fmt = check_format(layout.scan_dirs(), root)
    report.schema = check_files(parsed, load_schema(), root)
    report.conventions = check_conventions(layout.module_dirs(), layout.root_dirs(), parsed, root)
    if run_validate and parsed:
        report.validate = validate_configs([*layout.root_dirs(), *layout.module_dirs()], root)
    if run_tests:
        report.tests = run_module_tests(layout.module_dirs(), root)
    report.seconds = time.perf_counter() - started
    return report
