"""Run checkov (from its own venv, offline) over terraform/ and modules/ and summarise the results.

Reports land in build/reports/: checkov.sarif (PR annotations), checkov.junit.xml (test dashboards),
checkov.json (the full result, read back here) and checkov.txt (checkov's own listing).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glueflow.errors import GlueflowError
from glueflow.settings import Settings

# Our policies ship beside the package (tools/checkov_policies), whatever tree is scanned.
POLICY_DIR = Path(__file__).resolve().parents[2] / "checkov_policies"
SCANNED_DIRS = ("terraform", "modules")
REPORT_FILES = {"cli": "checkov.txt", "json": "checkov.json", "sarif": "checkov.sarif", "junitxml": "checkov.junit.xml"}
# checkov writes this when a skip comment has no reason after the check id.
_NO_REASON = {"", "no comment provided"}


@dataclass(frozen=True)
class CheckOutcome:
    check_id: str
    name: str
    resource: str
    file: str  # repo-relative
    line: int
    reason: str = ""  # skips only: the inline suppression comment

    def render(self) -> str:
        text = f"{self.file}:{self.line}: {self.resource}: {self.check_id} {self.name}"
        return f"{text} -- {self.reason}" if self.reason else text


@dataclass
class ScanResult:
    passed: int = 0
    failed: list[CheckOutcome] = field(default_factory=list)
    skipped: list[CheckOutcome] = field(default_factory=list)
    parsing_errors: list[str] = field(default_factory=list)
    resources: int = 0
    checkov_version: str = ""
    reports: dict[str, Path] = field(default_factory=dict)

    @property
    def skips_without_reason(self) -> list[CheckOutcome]:
        return [s for s in self.skipped if s.reason.strip().lower() in _NO_REASON]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.parsing_errors and not self.skips_without_reason


def checkov_binary(root: Path) -> Path:
    """checkov lives in .venv-checkov (its pins clash with ours), beside the scanned repo or beside our own venv;
    GLUEFLOW_CHECKOV overrides."""
    override = Settings.from_environ().checkov
    venvs = [root / ".venv-checkov", Path(sys.prefix).parent / ".venv-checkov"]
    candidates = [Path(override)] if override else [venv / "bin" / "checkov" for venv in venvs]
    found = shutil.which("checkov")
    candidates += [Path(found)] if found and not override else []
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise GlueflowError(
        f"checkov not found at {candidates[0]}",
        hint="run `make setup` (it creates .venv-checkov), or set GLUEFLOW_CHECKOV to a checkov executable",
    )


def build_command(root: Path, reports_dir: Path, files: list[Path] | None = None) -> list[str]:
    """The checkov command line: one scan root (checkov mixes up same-named files across several -d roots), every
    other top-level entry skipped, our policies added, no network (--skip-download)."""
    cmd = [str(checkov_binary(root)), "--framework", "terraform", "--skip-download", "--compact"]
    cmd += ["--external-checks-dir", str(POLICY_DIR)]
    if files:
        for file in files:
            cmd += ["-f", str(file)]
    else:
        cmd += ["-d", str(root)]
        for entry in sorted(root.iterdir()):
            if entry.name not in SCANNED_DIRS and not entry.name.startswith("."):
                cmd += ["--skip-path", f"^{re.escape(str(entry))}$"]
    for output in REPORT_FILES:
        cmd += ["-o", output]
    cmd += ["--output-file-path", ",".join(str(reports_dir / name) for name in REPORT_FILES.values())]
    return cmd


def run_checkov(root: Path, reports_dir: Path | None = None, files: list[Path] | None = None) -> ScanResult:
    root = root.resolve()
    reports_dir = (reports_dir or root / "build" / "reports").resolve()
    reports_dir.mkdir(parents=True, exist_ok=True)
    for stale in REPORT_FILES.values():
        (reports_dir / stale).unlink(missing_ok=True)
    log_path = reports_dir / "checkov.log"
    with log_path.open("w") as log:
        proc = subprocess.run(build_command(root, reports_dir, files), cwd=root, stdout=log, stderr=subprocess.STDOUT)
    json_path = reports_dir / REPORT_FILES["json"]
    if proc.returncode not in (0, 1) or not json_path.is_file():
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-15:])
        raise GlueflowError(f"checkov crashed (exit code {proc.returncode}):\n{tail}", hint=f"full log: {log_path}")
    result = parse_report(json.loads(json_path.read_text()), root)
    result.reports = {kind: reports_dir / name for kind, name in REPORT_FILES.items()} | {"log": log_path}
    return result


def parse_report(report: dict[str, Any] | list[dict[str, Any]], root: Path) -> ScanResult:
    """checkov's JSON is one object per framework (a list when several ran, an empty summary when nothing did)."""
    result = ScanResult()
    for framework in report if isinstance(report, list) else [report]:
        results = framework.get("results", {})
        summary = framework.get("summary", {})
        result.passed += int(summary.get("passed", 0))
        result.resources += int(summary.get("resource_count", 0))
        result.checkov_version = summary.get("checkov_version", result.checkov_version)
        result.failed += [_outcome(c, root) for c in results.get("failed_checks", [])]
        result.skipped += [_outcome(c, root) for c in results.get("skipped_checks", [])]
        result.parsing_errors += [_relative(p, root) for p in results.get("parsing_errors", [])]
    result.failed.sort(key=lambda o: (o.file, o.line, o.check_id))
    result.skipped.sort(key=lambda o: (o.file, o.line, o.check_id))
    return result


def _outcome(check: dict[str, Any], root: Path) -> CheckOutcome:
    lines = check.get("file_line_range") or [0, 0]
    return CheckOutcome(
        check_id=check["check_id"],
        name=check.get("check_name", ""),
        resource=check.get("resource", ""),
        file=_relative(check.get("file_abs_path") or check.get("file_path", ""), root),
        line=int(lines[0]),
        reason=(check.get("check_result") or {}).get("suppress_comment", "") or "",
    )


def _relative(path: str, root: Path) -> str:
    candidate = Path(path)
    if candidate.is_absolute() and candidate.is_relative_to(root):
        return str(candidate.relative_to(root))
    return path.lstrip("/")
