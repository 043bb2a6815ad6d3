"""Shared fixtures: a throw-away copy of the repo's specs and templates, so tests can break them freely."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The one SparkSession of the test run (start-up is the slow part), built as a job process builds its own
    (launcher.build_session: C1 JIT, serial GC, glueflow's local FileSystem)."""
    pytest.importorskip("pyspark.sql")
    from glueflow.local import hadoop_fs
    from glueflow.local.launcher import build_session
    from glueflow.local.lazy_catalog import compiled_catalog_calls

    for key, value in hadoop_fs.environment().items():
        os.environ.setdefault(key, value)  # build_session reads it, as in a job process
    session = build_session("glueflow-tests", tmp_path_factory.mktemp("spark"))
    compiled_catalog_calls(session)  # as the launcher does: GLUEFLOW_SPARK_CONF may ask for NO_CODEGEN
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
