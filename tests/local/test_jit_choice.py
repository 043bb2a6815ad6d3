"""Which JIT a Spark job runs with: C1 (a warm spare) for small inputs, full tiered compilation once the input a
run will read is large; a bookmarked rerun counts only the files it has not processed."""

from __future__ import annotations

from pathlib import Path

import pytest

from glueflow.local import jobs
from glueflow.local.job_inputs import input_bytes


@pytest.fixture
def raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(jobs, "TIERED_INPUT_BYTES", 1000)
    monkeypatch.delenv(jobs.JIT_SETTING, raising=False)
    folder = tmp_path / "s3" / "raw" / "sales"
    folder.mkdir(parents=True)
    for index in range(3):
        (folder / f"part-{index}.csv").write_text("x" * 400)
    return folder


def _jit(paths: list[str], s3: Path, processed: frozenset[str] = frozenset()) -> str:
    """The runtime's choice: the input walked once (input_bytes) up to the tiered threshold, then choose_jit."""
    return jobs.choose_jit(input_bytes(paths, s3, set(processed), jobs.TIERED_INPUT_BYTES))


def test_large_unprocessed_input_gets_tiered_and_small_input_c1(raw: Path, tmp_path: Path) -> None:
    s3 = tmp_path / "s3"
    assert _jit([str(raw)], s3) == "tiered"  # 1200 bytes to read
    assert _jit([str(raw / "part-0.csv")], s3) == "c1"
    processed = frozenset((raw / f"part-{i}.csv").resolve().as_uri() for i in (0, 1))
    assert _jit([str(raw)], s3, processed) == "c1"  # a bookmarked rerun reads one file


def test_outputs_and_paths_outside_the_buckets_do_not_count_and_the_setting_wins(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = tmp_path / "s3"
    for index in range(3):
        (raw / f"part-{index}.csv").rename(raw / f"part-{index}.parquet")
    assert _jit([str(raw), "--not-a-path", str(tmp_path)], s3) == "c1"
    monkeypatch.setenv(jobs.JIT_SETTING, "tiered")
    assert _jit([], s3) == "tiered"
