"""Fixtures of the awsglue layer tests: tmp glueflow projects (see tests/local/helpers.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.local.helpers import ENV_YAML, REPO_ROOT, LocalProject

from .harness import GlueHarness, glue_environment


@pytest.fixture
def local_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalProject]:
    root = tmp_path / "project"
    (root / "pipelines" / "sample_data").mkdir(parents=True)
    (root / "envs").mkdir()
    (root / "envs" / "local.yaml").write_text(ENV_YAML)
    shutil.copytree(
        REPO_ROOT / "glue_jobs" / "lib", root / "glue_jobs" / "lib", ignore=shutil.ignore_patterns("__pycache__")
    )
    state_dir = root / ".glueflow-state"
    monkeypatch.setenv("GLUEFLOW_STATE_DIR", str(state_dir))
    monkeypatch.delenv("GLUEFLOW_ROOT", raising=False)
    project = LocalProject(root, state_dir)
    yield project
    project.close()


@pytest.fixture(scope="module")
def glue(tmp_path_factory: pytest.TempPathFactory, spark: Any) -> Iterator[GlueHarness]:
    """A Glue job environment in this process (see harness.py), shared by a module's tests."""
    with glue_environment(tmp_path_factory.mktemp("glue"), spark) as harness:
        yield harness
