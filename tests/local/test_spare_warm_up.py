"""A spare's warm-up pipeline (warm_up.pipeline_steps via launcher.warm_further): it runs the kinds of query jobs
run, leaves the session as a job expects it (no job group, no cached data, compiled expressions, Spark's log
level), and a job that is already waiting on the spare's stdin stops it before it starts a step."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from glueflow.local import launcher

pytestmark = pytest.mark.spark


class _Stdin(io.RawIOBase):
    """A stdin whose file descriptor is a pipe (select() needs one), with `text` already waiting or nothing."""

    def __init__(self, text: bytes) -> None:
        self._read, self._write = os.pipe()
        if text:
            os.write(self._write, text)

    def fileno(self) -> int:
        return self._read

    def close(self) -> None:
        os.close(self._read)
        os.close(self._write)


def _run(spark: Any, work_dir: Path, monkeypatch: pytest.MonkeyPatch, waiting: bytes) -> None:
    stdin = _Stdin(waiting)
    monkeypatch.setattr(sys, "stdin", stdin)
    try:
        launcher.warm_further(spark, work_dir)
    finally:
        stdin.close()


def test_the_pipeline_runs_every_step_and_leaves_the_session_as_a_job_expects(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(spark, tmp_path, monkeypatch, b"")
    out = tmp_path / "warm-up-pipeline-out"
    assert sorted(p.name for p in out.iterdir()) == ["daily", "rejected", "sales", "totals"]
    rejected = {r["c0"] for r in spark.read.parquet(str(out / "rejected")).collect()}
    assert rejected == {"x", *(str(i) for i in range(0, 40, 4))}  # the malformed line, the quantities of 0
    assert spark.read.parquet(str(out / "sales")).count() == 30
    context = spark.sparkContext
    assert context.getLocalProperty("spark.jobGroup.id") is None
    assert spark.conf.get("spark.sql.codegen.factoryMode") == "FALLBACK"
    assert spark._jsparkSession.sharedState().cacheManager().isEmpty()


def test_a_job_already_waiting_stops_the_pipeline_before_its_first_step(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(spark, tmp_path, monkeypatch, b'{"job": 1}\n')
    assert not (tmp_path / "warm-up-pipeline-out").exists()
    assert spark.sparkContext.getLocalProperty("spark.jobGroup.id") is None
