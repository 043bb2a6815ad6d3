"""Pipeline job-logic fixtures: rendered scripts (from tests/jobs/conftest.py; the SparkSession is tests/conftest.py's), plus a
local "bucket" layout and a way to run a rendered script's main() in-process under the local job contract."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jobs.conftest import REPO_ROOT, load_script, register_csv_table, rendered  # noqa: F401

SAMPLES = REPO_ROOT / "pipelines" / "sample_data"
GOLDEN = REPO_ROOT / "tests" / "golden"


class LocalJob:
    """Runs one rendered job's main() as the local runtime would: GLUEFLOW_LOCAL=1, bookmark files, args."""

    def __init__(self, module: Any, monkeypatch: pytest.MonkeyPatch, work: Path) -> None:
        self.module, self.monkeypatch, self.work = module, monkeypatch, work
        self.runs = 0

    def run(self, arguments: dict[str, str], bookmark_in: Path | None = None) -> Path:
        """Run main(); returns the BOOKMARK_OUT file it wrote (committed only if main returned)."""
        self.runs += 1
        out = self.work / f"bookmark-{self.runs}.json"
        self.monkeypatch.setenv("GLUEFLOW_LOCAL", "1")
        self.monkeypatch.setenv("GLUEFLOW_BOOKMARK_OUT", str(out))
        if bookmark_in is None:
            self.monkeypatch.delenv("GLUEFLOW_BOOKMARK_IN", raising=False)
        else:
            self.monkeypatch.setenv("GLUEFLOW_BOOKMARK_IN", str(bookmark_in))
        argv = ["job.py", "--JOB_NAME", "test-job", "--JOB_RUN_ID", f"jr_{self.runs}"]
        for key, value in arguments.items():
            argv += [f"--{key}", value]
        self.module.main(argv)
        return out


@pytest.fixture
def local_job(
    rendered: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Callable[[str, str], LocalJob]]:
    """Stock Glue scripts import `awsglue`: the launcher's local layer is on the path while the test runs."""
    import sys

    from glueflow.local import glue_layer

    monkeypatch.syspath_prepend(str(glue_layer.LAYER_DIR))
    glue_layer.reuse_active_spark_context()

    def make(pipeline: str, job: str) -> LocalJob:
        return LocalJob(load_script(rendered, pipeline, job), monkeypatch, tmp_path)

    yield make
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        del sys.modules[name]


def read_golden(pipeline: str, table: str) -> list[dict[str, str]]:
    with (GOLDEN / pipeline / f"{table}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def assert_matches_golden(df: Any, pipeline: str, table: str, keys: list[str], money: tuple[str, ...] = ()) -> None:
    """Spark rows equal the golden rows; `money` columns within a cent (Spark rounds the decimal text of a
    double half-up, DuckDB the binary double, so x.xx5 can differ by one cent)."""
    golden = read_golden(pipeline, table)
    actual = [{k: ("" if v is None else str(v)) for k, v in r.asDict().items()} for r in df.collect()]
    assert sorted(actual[0]) == sorted(golden[0]) if actual and golden else actual == golden

    def key(row: dict[str, str]) -> tuple[str, ...]:
        return tuple(row[k] for k in keys)

    assert sorted(map(key, actual)) == sorted(map(key, golden))
    by_key = {key(r): r for r in actual}
    for expected in golden:
        got = by_key[key(expected)]
        for column, value in expected.items():
            if column in money:
                assert float(got[column]) == pytest.approx(float(value), abs=0.0100001), (column, expected)
            else:
                assert got[column] == value, (column, expected, got)


@pytest.fixture
def bucket(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "s3"
    root.mkdir()
    yield root
    shutil.rmtree(root, ignore_errors=True)
