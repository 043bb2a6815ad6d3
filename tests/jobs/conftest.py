"""Fixtures for job-library and job-logic tests: one shared SparkSession, rendered job scripts, local tables."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LIBRARY = REPO_ROOT / "glue_jobs" / "lib"
if str(LIBRARY) not in sys.path:
    sys.path.insert(0, str(LIBRARY))


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tmp copy of the repo's specs and templates, rendered for env 'local'; returns its root."""
    from glueflow.render import render
    from glueflow.spec import load_deployment

    root = tmp_path_factory.mktemp("project")
    for folder in ("pipelines", "envs", "glue_jobs"):
        shutil.copytree(REPO_ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    render(load_deployment("local", root=root))
    return root


def load_script(root: Path, pipeline: str, job: str) -> ModuleType:
    """Import a rendered job script as a module (its `main` does not run: it is guarded by __main__)."""
    path = root / "build" / "local" / "glue_jobs" / pipeline / f"{job}.py"
    spec = importlib.util.spec_from_file_location(f"rendered_{pipeline}_{job}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def register_csv_table(spark: Any, database: str, table: str, location: Path, columns: str) -> None:
    """Register a crawled CSV table the way the local runtime does (USING csv ... LOCATION)."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS `{database}`")
    spark.sql(f"DROP TABLE IF EXISTS `{database}`.`{table}`")
    spark.sql(
        f"CREATE TABLE `{database}`.`{table}` ({columns}) USING csv "
        f"OPTIONS ('header' 'true', 'sep' ',') LOCATION '{location}'"
    )


def rows(df: Any, order_by: list[str] | None = None) -> list[dict[str, Any]]:
    """A DataFrame as sorted plain dicts, for equality assertions."""
    records = [r.asDict() for r in df.collect()]
    keys = order_by or sorted(records[0]) if records else []
    return sorted(records, key=lambda r: tuple(str(r[k]) for k in keys))
