"""Small things a newcomer trips over, through the real entry point: `--version`, a taken port, and flags in
`--help` that look like they take a value."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from glueflow import __version__


def glueflow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def test_version_alone_prints_the_version(project: Path) -> None:
    result = glueflow("--version", cwd=project)

    assert (result.returncode, result.stdout) == (0, f"glueflow {__version__}\n")


def test_serve_on_a_taken_port_says_so_without_a_traceback(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = glueflow("serve", "--port", str(port), cwd=project)

    assert result.returncode == 2  # a GlueflowError: the user's to fix
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port 0" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("command", "flag"), [("run", "--follow"), ("serve", "--schedules"), ("destroy", "--yes")])
def test_boolean_flags_show_no_value_type_in_help(project: Path, command: str, flag: str) -> None:
    result = glueflow(command, "--help", cwd=project)

    row = next(line for line in result.stdout.splitlines() if flag in line)
    assert "<bool>" not in result.stdout and "BOOLEAN" not in row
    assert "<str>" in result.stdout  # options that do take a value still show its type


def test_graph_of_every_pipeline_is_one_mermaid_document(project: Path) -> None:
    import re

    result = glueflow("graph", cwd=project)

    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    assert lines[0] == "flowchart LR" and sum(line.startswith("flowchart") for line in lines) == 1
    subgraphs = [line.split()[1].split("[")[0] for line in lines if line.startswith("subgraph ")]
    assert sorted(subgraphs) == sorted(p.stem for p in (project / "pipelines").glob("*.yaml"))
    assert sum(line == "end" for line in lines) == len(subgraphs)
    declared = [re.match(r"^(\w+)[\[{(]", line).group(1) for line in lines if re.match(r"^\w+[\[{(]", line)]
    assert len(declared) == len(set(declared))  # a node id is declared once across all pipelines
    for edge in (line for line in lines if "-->" in line):
        source, target = edge.split()[0], edge.split()[-1]
        assert source in declared and target in declared, edge


def test_ingest_warns_when_no_pipeline_reads_where_the_file_lands(project: Path) -> None:
    sales = project / "pipelines" / "sample_data" / "sales_analytics" / "sales_data.csv"

    landed_beside = glueflow("ingest", str(sales), "-p", "sales_analytics", cwd=project)  # → raw-data/sales_data.csv
    landed_inside = glueflow("ingest", str(sales), "--to", "raw/raw-data/sales/", cwd=project)

    assert landed_beside.returncode == 0, landed_beside.stderr
    assert "warning: no pipeline reads s3://glueflow-local-raw-000000000000/raw-data/sales_data.csv" in " ".join(
        landed_beside.stderr.split()
    )
    reading = "s3://glueflow-local-raw-000000000000/raw-data/sales/  (sales_analytics crawler raw; sales_analytics job"
    assert reading in landed_beside.stderr
    assert landed_inside.returncode == 0 and "warning" not in landed_inside.stderr
