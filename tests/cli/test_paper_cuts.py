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
