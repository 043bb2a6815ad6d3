"""Shared fixtures: a throw-away copy of the repo's specs and templates, so tests can break them freely."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# Commands under test run their own runtime, not a background one that would outlive the test (its own tests
# turn it back on).
os.environ.setdefault("GLUEFLOW_BACKGROUND", "off")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A tmp glueflow project (pipelines/, envs/, glue_jobs/) with its own state dir; cwd is inside it."""
    for folder in ("pipelines", "envs", "glue_jobs"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GLUEFLOW_ROOT", raising=False)
    monkeypatch.setenv("GLUEFLOW_STATE_DIR", str(tmp_path / ".glueflow-state"))
    yield tmp_path
