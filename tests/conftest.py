"""Shared fixtures: a throw-away copy of the repo's specs and templates, so tests can break them freely."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glueflow.local import hadoop_fs

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
    """The one SparkSession of the test run (start-up is the slow part), configured like the local runtime's."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    work = tmp_path_factory.mktemp("spark")
    builder = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("glueflow-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(work / "warehouse"))
        .config("spark.local.dir", str(work / "tmp"))
        .config("spark.driver.extraJavaOptions", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
    )
    for key, value in hadoop_fs.spark_conf(_fast_file_system_jar()).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _fast_file_system_jar() -> str | None:
    """glueflow's local FileSystem, as job processes get it (tests/local/test_hadoop_fs.py tests it)."""
    from glueflow.local.java import java_home
    from glueflow.settings import Settings

    settings = Settings.from_environ()
    cache_dir = settings.cache_dir or Path.home() / ".cache" / "glueflow"
    return hadoop_fs.environment(cache_dir, java_home(), enabled=settings.spark_fast_fs).get(hadoop_fs.JAR_ENV)
