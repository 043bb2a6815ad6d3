"""`glueflow validate --terraform`: every offline check of terraform/ and modules/ in one pass, findings together."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from glueflow.iac.conventions import ConventionsResult, check_conventions
from glueflow.iac.env_inputs import EnvPlan
from glueflow.iac.findings import Finding, display_path
from glueflow.iac.fmt import FmtResult, check_format
from glueflow.iac.hcl import parse_file, tf_files
from glueflow.iac.offline_run import ConfigTarget, OfflineResult, PlanTarget, Progress, run_offline
from glueflow.iac.plan_vs_runtime import Comparison, compare
from glueflow.iac.schema import load_schema
from glueflow.iac.schema_check import SchemaCheckResult, check_files
from glueflow.iac.terraform_test import TerraformTestResult, run_module_tests
from glueflow.iac.terraform_validate import find_aws_provider


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

    def example_dirs(self) -> list[Path]:
        """modules/*/examples/*: root configurations of their own, initialised, validated and planned offline."""
        return sorted(d for d in self.modules_dir.glob("*/examples/*") if d.is_dir() and any(d.glob("*.tf")))


@dataclass
class VerifyReport:
    files: int = 0
    fmt: FmtResult = field(default_factory=FmtResult)
    schema: SchemaCheckResult = field(default_factory=SchemaCheckResult)
    conventions: ConventionsResult = field(default_factory=ConventionsResult)
    validate: OfflineResult = field(default_factory=OfflineResult)
    runtime: list[Comparison] = field(default_factory=list)  # the root's plan per env vs the local runtime
    tests: TerraformTestResult = field(default_factory=TerraformTestResult)
    seconds: float = 0.0

    @property
    def findings(self) -> list[Finding]:
        checks = (self.fmt, self.schema, self.conventions, self.validate, self.tests)
        found = [finding for check in checks for finding in check.findings]
        return found + [finding for comparison in self.runtime for finding in comparison.findings or []]


def offline_targets(layout: IacLayout, envs: list[EnvPlan]) -> list[ConfigTarget]:
    """What Terraform runs on: the root and bootstrap planned per env, other roots validated, examples planned."""
    targets = []
    for config in layout.root_dirs():
        if config == layout.terraform_dir:
            plans = tuple(PlanTarget(env.name, env.tfvars, show=True) for env in envs)
        elif config.name == "bootstrap":
            plans = tuple(PlanTarget(env.name, env.bootstrap_tfvars) for env in envs if env.bootstrap_tfvars)
        else:
            plans = ()
        targets.append(ConfigTarget(config, plans))
    targets += [ConfigTarget(example, (PlanTarget(None, None),)) for example in layout.example_dirs()]
    return targets


def compare_with_runtime(layout: IacLayout, offline: OfflineResult, envs: list[EnvPlan]) -> list[Comparison]:
    by_env = {env.name: env for env in envs}
    root_config = display_path(layout.terraform_dir, layout.root)
    return [
        compare(plan.env, plan.plan_json, by_env[plan.env].deployment.tfvars, f"{root_config} plan", layout.root)
        for plan in offline.plans
        if plan.config == root_config and plan.env in by_env and plan.plan_json is not None
    ]


def verify_terraform(
    root: Path,
    *,
    run_validate: bool = True,
    run_tests: bool = True,
    envs: list[EnvPlan] | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    started = time.perf_counter()
    layout = IacLayout(root)
    report = VerifyReport()
    paths = tf_files(layout.scan_dirs())
    # Terraform runs in worker processes: start it first and do the Python-side checks while it works.
    with ThreadPoolExecutor(2) as pool:
        offline = pool.submit(_offline, layout, envs or [], progress) if run_validate and paths else None
        tests = pool.submit(run_module_tests, layout.module_dirs(), root) if run_tests else None
        parsed = [parse_file(p) for p in paths]
        report.files = len(parsed)
        report.schema = check_files(parsed, load_schema(), root)
        report.conventions = check_conventions(layout.module_dirs(), layout.root_dirs(), parsed, root)
        report.fmt = check_format(layout.scan_dirs(), root)
        if offline is not None:
            report.validate = offline.result()
            report.runtime = compare_with_runtime(layout, report.validate, envs or [])
        if tests is not None:
            report.tests = tests.result()
    report.seconds = time.perf_counter() - started
    return report


def _offline(layout: IacLayout, envs: list[EnvPlan], progress: Progress | None) -> OfflineResult:
    targets = offline_targets(layout, envs)
    # `glueflow plan` keeps the real provider in build/.terraform-plugin-cache and build/<env>/.terraform/
    caches = [layout.root / "build" / ".terraform-plugin-cache"]
    real_aws = find_aws_provider([*(t.config_dir for t in targets), *layout.root.glob("build/*")], caches)
    return run_offline(layout.root, targets, real_aws=real_aws, progress=progress)
