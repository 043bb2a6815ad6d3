"""The CLI through its real entry point: output and exit codes a user or CI script relies on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def glueflow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_render_succeeds_and_lists_the_files(project: Path) -> None:
    result = glueflow("render", "--env", "dev", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "wrote build/dev/terraform.tfvars.json" in result.stdout
    assert (project / "build/dev/glue_jobs/customer_purchases/map_purchases.py").is_file()


def test_graph_prints_the_three_node_three_trigger_dag(project: Path) -> None:
    result = glueflow("graph", "--pipeline", "customer_purchases", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    nodes = [line for line in lines if line.strip().startswith(("crawler_", "job_", "trigger_")) and "-->" not in line]
    assert sum("CRAWLER:" in n for n in nodes) == 2
    assert sum("JOB:" in n for n in nodes) == 1
    assert sum("TRIGGER:" in n for n in nodes) == 3
    assert sum("-->" in line for line in lines) == 5
    assert any("-- SUCCEEDED -->" in line for line in lines)


def test_graph_as_dot(project: Path) -> None:
    result = glueflow("graph", "-p", "customer_purchases", "--format", "dot", cwd=project)
    assert result.returncode == 0
    assert result.stdout.startswith('digraph "glueflow-local-customer-purchases" {')
    assert '[label="SUCCEEDED"]' in result.stdout


def test_spec_errors_exit_3_without_traceback(project: Path) -> None:
    spec = project / "pipelines" / "customer_purchases.yaml"
    spec.write_text(spec.read_text().replace("      - job: map_purchases", "      - job: map_purchase"))
    result = glueflow("validate", cwd=project)
    assert result.returncode == 3
    assert "pipelines/customer_purchases.yaml:" in result.stderr
    assert "unknown job 'map_purchase'" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(project: Path) -> None:
    result = glueflow("--debug", "validate", "--env", "nope", cwd=project)
    assert result.returncode == 2
    assert "Traceback" in result.stderr
    assert "unknown env 'nope'" in result.stderr


def test_unknown_env_exits_2_with_a_hint(project: Path) -> None:
    result = glueflow("render", "--env", "qa", cwd=project)
    assert result.returncode == 2
    assert "hint: envs in this repo: dev, local, prod, staging" in result.stderr


def test_usage_errors_exit_2(project: Path) -> None:
    result = glueflow("graph", "--format", "png", cwd=project)
    assert result.returncode == 2
    assert "png" in result.stderr


def test_validate_reports_counts(project: Path) -> None:
    result = glueflow("validate", "--env", "prod", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "specs OK" in result.stdout


def test_every_command_has_help_with_an_example(project: Path) -> None:
    for command in ("render", "validate", "graph"):
        result = glueflow(command, "--help", cwd=project)
        assert result.returncode == 0
        assert "Example:" in result.stdout


def test_a_node_watched_for_two_states_is_one_edge_with_both_labels(project: Path) -> None:
    result = glueflow("graph", "--pipeline", "retail_nightly", cwd=project)
    assert result.returncode == 0, result.stderr
    edges = [line for line in result.stdout.splitlines() if "-->" in line]
    assert any("-- FAILED | TIMEOUT -->" in line for line in edges), edges
    assert len(edges) == len(set(edges))


def test_the_command_summaries_in_glueflow_help_are_each_command_s_own_first_docstring_line() -> None:
    """`glueflow --help` lists commands without importing them; its summaries must not drift from the commands."""
    import importlib
    import inspect

    from glueflow.cli.main import COMMANDS

    for name, (module, summary) in COMMANDS.items():
        doc = inspect.getdoc(importlib.import_module(module).command) or ""
        assert " ".join(doc.split("\n\n")[0].split()) == summary, name


def test_help_imports_no_command_module_and_a_command_still_runs(project: Path) -> None:
    probe = "import sys, runpy; sys.argv = ['glueflow', '--help']\ntry:\n    runpy.run_module('glueflow.cli.main', run_name='__main__')\nexcept SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.startswith(('glueflow.cli.', 'glueflow.spec', 'pydantic', 'boto3'))))"
    listed = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True, timeout=120)
    assert "status" in listed.stdout and listed.stdout.strip().splitlines()[-1] == "[]"
    version = glueflow("--version", cwd=project)
    assert version.returncode == 0 and version.stdout.startswith("glueflow ")
