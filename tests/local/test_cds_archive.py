"""The Spark class-data-sharing archive: what its build records (launcher.load_job_classes), when a new one is
keyed (jobs.cds_archive_path) and which old ones are removed (jobs.prune_archives)."""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from glueflow.local import jobs, launcher, warm_up
from glueflow.local.job_inputs import SMALL_INPUT_CONF, TINY_INPUT_CONF

SETTINGS = ("spark.sql.codegen.wholeStage", "spark.sql.adaptive.enabled", "spark.sql.codegen.factoryMode")


@pytest.mark.spark
def test_the_build_runs_every_warm_up_step_and_the_pipeline_under_each_job_setting(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build's stdin is /dev/null, always readable: launcher.warm_up would take that for a job and skip its steps.
    with open(os.devnull, encoding="utf-8") as devnull:
        monkeypatch.setattr(sys, "stdin", devnull)
        seen: list[tuple[str, ...]] = []

        def record_settings(session: Any, work_dir: Path) -> list[Any]:
            return [lambda: seen.append(tuple(session.conf.get(key) for key in SETTINGS))]

        monkeypatch.setattr(warm_up, "pipeline_steps", record_settings)
        defaults = tuple(spark.conf.get(key) for key in SETTINGS)
        try:
            launcher.load_job_classes(spark, tmp_path)
        finally:
            spark.sql("DROP DATABASE IF EXISTS cds CASCADE")

    assert (tmp_path / "warm-up.parquet").is_dir()  # the first warm-up step's output
    small = tuple(SMALL_INPUT_CONF.get(key, default) for key, default in zip(SETTINGS, defaults, strict=True))
    tiny = (*small[:2], TINY_INPUT_CONF["spark.sql.codegen.factoryMode"])
    assert seen == [defaults, small, tiny]
    assert tuple(spark.conf.get(key) for key in SETTINGS) == defaults  # left as a job expects it


def test_a_new_jar_order_or_new_recording_code_keys_a_new_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = tmp_path / "warm_up.py"
    recorder.write_text("steps = 1\n", encoding="utf-8")
    monkeypatch.setattr(jobs, "ARCHIVE_RECORDERS", (recorder,))
    first = jobs.cds_archive_path(tmp_path)
    assert jobs.cds_archive_path(tmp_path) == first

    # Java expands pyspark's jars/* in directory order; a reinstall of the same pyspark may list them otherwise.
    listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: list(reversed(listdir(path))))
    reordered = jobs.cds_archive_path(tmp_path)
    monkeypatch.setattr(os, "listdir", listdir)

    recorder.write_text("steps = 2\n", encoding="utf-8")
    recorded_otherwise = jobs.cds_archive_path(tmp_path)
    assert len({first, reordered, recorded_otherwise}) == 3
    assert {path.parent for path in (first, reordered, recorded_otherwise)} == {tmp_path / "spark-cds"}


def _archive(folder: Path, name: str, days_unused: float) -> Path:
    archive = folder / f"{name}.jsa"
    for path in (archive, archive.with_suffix(".log"), archive.with_suffix(".lock")):
        path.write_bytes(b"x")
    then = time.time() - days_unused * 86400
    os.utime(archive, (then, then))
    return archive


def test_archives_unused_for_two_weeks_are_removed_except_the_current_one_and_one_being_built(tmp_path: Path) -> None:
    current = _archive(tmp_path, "current", 30)
    _archive(tmp_path, "recent", 13)
    stale = _archive(tmp_path, "stale", 15)
    building = _archive(tmp_path, "building", 15)
    lock = os.open(building.with_suffix(".lock"), os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)  # as CdsBuilder.ensure holds it while the build runs
    try:
        removed = jobs.prune_archives(tmp_path, keep=current)
    finally:
        os.close(lock)

    assert removed == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{name}.{ext}" for name in ("current", "recent", "building") for ext in ("jsa", "log", "lock")
    )
