"""`glueflow scan`: checkov policy scan of terraform/ and modules/, offline, with SARIF and JUnit reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from glueflow.cli.console import out
from glueflow.errors import GlueflowError
from glueflow.glue import ExitCode
from glueflow.iac.checkov_scan import ScanResult, run_checkov
from glueflow.spec.deployment import find_root


def command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Scan only these .tf files (pre-commit passes the changed ones). Default: the whole tree."),
    ] = None,
    root: Annotated[
        Path | None, typer.Option("--root", help="Directory holding terraform/ and modules/ (default: the repo root).")
    ] = None,
    reports: Annotated[
        Path | None, typer.Option("--reports", help="Where the reports go (default: <root>/build/reports).")
    ] = None,
) -> None:
    """Run checkov with our Glue policies (tools/checkov_policies) over terraform/ and modules/, offline.

    Reports: build/reports/checkov.sarif, checkov.junit.xml, checkov.json and checkov.txt.

    Exits 1 on any failed check, parsing error, or skip without a reason.

    Skip a check inline on the resource, with its reason:  #checkov:skip=CKV_AWS_18:This is the access-log bucket.

    Example:  glueflow scan    (or: make scan; pre-commit: glueflow scan modules/glue_job/main.tf)
    """
    scan_root = (root or find_root()).resolve()
    result = run_checkov(scan_root, reports, [f.resolve() for f in files] if files else None)
    _print(result, scan_root)
    if not result.ok:
        problems = len(result.failed) + len(result.parsing_errors) + len(result.skips_without_reason)
        raise GlueflowError(
            f"checkov: {problems} problem(s)",
            hint="fix the resources above, or skip inline with a reason if the rule does not apply",
            exit_code=ExitCode.FAILED,
        )


def _print(result: ScanResult, root: Path) -> None:
    colour = "green" if result.ok else "red"
    out.print(
        f"[{colour}]checkov {result.checkov_version}[/{colour}]: {result.passed} passed, {len(result.failed)} failed, "
        f"{len(result.skipped)} skipped on {result.resources} resource(s)"
    )
    for outcome in result.failed:
        out.print(f"  [red]FAILED[/red]  {escape(outcome.render())}")
    for error in result.parsing_errors:
        out.print(f"  [red]PARSE ERROR[/red]  {escape(error)}")
    for outcome in result.skipped:
        missing = outcome in result.skips_without_reason
        label = "[red]SKIPPED without a reason[/red]" if missing else "[yellow]skipped[/yellow]"
        out.print(f"  {label}  {escape(outcome.render())}")
    shown = ", ".join(str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in result.reports.values())
    out.print(f"[dim]reports: {escape(shown)}[/dim]")
