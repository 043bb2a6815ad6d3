"""The `local_project` fixture: a throw-away glueflow project with its own state dir (see helpers.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import ENV_YAML, REPO_ROOT, TEMPLATES, LocalProject


@pytest.fixture
def local_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalProject]:
    root = tmp_path / "project"
    (root / "pipelines").mkdir(parents=True)
    (root / "envs").mkdir()
    (root / "envs" / "local.yaml").write_text(ENV_YAML)
    shutil.copytree(
        REPO_ROOT / "glue_jobs" / "lib", root / "glue_jobs" / "lib", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "glue_jobs" / "tests").mkdir()
    shutil.copy(TEMPLATES / "step.py.j2", root / "glue_jobs" / "tests" / "step.py.j2")
    state_dir = root / ".glueflow-state"  # inside the project: render.backend_hcl prints it relative to the root
    monkeypatch.setenv("GLUEFLOW_STATE_DIR", str(state_dir))
    monkeypatch.delenv("GLUEFLOW_ROOT", raising=False)
    project = LocalProject(root, state_dir)
    yield project
    project.close()
