"""Findings 6 and 9: spec paths cannot leave the project, and a spec that is not UTF-8 is a spec error (exit 3)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from glueflow.errors import SpecError
from glueflow.spec import load_deployment

from .conftest import FaultRecorder, changed, snapshot

PIPELINE = "customer_purchases"
SAMPLE = "    file: sample_data/customer_purchases/sample-data.csv"


def _edit(project: Path, old: str, new: str) -> None:
    path = project / "pipelines" / f"{PIPELINE}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _problems(project: Path) -> list[str]:
    with pytest.raises(SpecError) as error:
        load_deployment("local", PIPELINE, root=project)
    assert error.value.exit_code == 3
    return [f"{p.key_path}: {p.message}" for p in error.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        (SAMPLE, "    file: ../../../../../../../etc/hostname", "sample_data[0].file"),
        (SAMPLE, "    file: /etc/hostname", "sample_data[0].file"),
        ("    key: input/sample-data.csv", "    key: ../../../../escaped.csv", "sample_data[0].key"),
    ],
)
def test_sample_data_cannot_leave_the_project(
    project: Path, chaos: FaultRecorder, old: str, new: str, key: str
) -> None:
    chaos.injected("hostile spec path")
    _edit(project, old, new)
    problems = _problems(project)
    assert any(p.startswith(key) and ("outside" in p or "'..'" in p) for p in problems), problems
    chaos.outcome(lost=0, outside=0)


def test_a_template_outside_glue_jobs_is_a_spec_error(project: Path, chaos: FaultRecorder) -> None:
    chaos.injected("hostile spec path")
    outside = project.parent / "evil.py.j2"
    outside.write_text("import os  # would be rendered into a job script\n")
    path = project / "pipelines" / f"{PIPELINE}.yaml"
    text = path.read_text()
    template = next(line for line in text.splitlines() if line.strip().startswith("template:"))
    path.write_text(text.replace(template, template.split(":")[0] + f": {outside.with_suffix('')}.j2", 1))
    problems = _problems(project)
    assert any("template" in p and "outside glue_jobs/" in p for p in problems), problems
    chaos.outcome(lost=0, outside=0)


def test_deploy_with_a_hostile_sample_path_copies_nothing(project: Path, chaos: FaultRecorder) -> None:
    chaos.injected("hostile spec path")
    _edit(project, SAMPLE, "    file: ../../../../../../../etc/hostname")
    state = project / ".glueflow-state"
    before = snapshot(project, skip=(project / "build",))
    result = subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", "deploy", "--env", "local", "--pipeline", PIPELINE, "--yes"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert "outside the project" in result.stderr + result.stdout
    assert not any("hostname" in str(p) for p in state.rglob("*")) if state.exists() else True
    chaos.outcome(lost=0, outside=len(changed(before, snapshot(project, skip=(project / "build",)))))


def test_a_spec_that_is_not_utf8_is_a_spec_error_with_exit_3(project: Path, chaos: FaultRecorder) -> None:
    chaos.injected("non-UTF-8 spec")
    path = project / "pipelines" / f"{PIPELINE}.yaml"
    path.write_bytes(path.read_bytes().replace(b"description:", b"description: caf\xe9 \xff", 1))
    result = subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", "validate", "--env", "local"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert "not UTF-8" in result.stderr and f"pipelines/{PIPELINE}.yaml" in result.stderr
    assert "Traceback" not in result.stderr
    chaos.outcome(lost=0, outside=0)
