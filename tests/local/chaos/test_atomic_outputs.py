"""Finding 2: a job killed (SIGKILL) or failing at any moment of an overwrite leaves the previous output whole.

The writer runs in a child process that kills itself at each fault point of `glueflow_lib.storage.write_atomically`
(and in the middle of writing its files); the output folder must then hold exactly the previous files, or exactly
the new ones, never a mix or nothing. The Spark case (a real Parquet overwrite through `write_parquet`) is in
`make chaos`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import FaultRecorder, changed, full_only, snapshot

LIBRARY = Path(__file__).resolve().parents[3] / "glue_jobs" / "lib"

WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from glueflow_lib.storage import write_atomically

    target, version, partitioned = sys.argv[1], sys.argv[2], sys.argv[3] == "1"

    def write(path):
        for day in ("day=1", "day=2") if partitioned else ("",):
            folder = Path(path, day)
            folder.mkdir(parents=True, exist_ok=True)
            for part in range(3):
                (folder / f"part-{part}.txt").write_text(version)
                if os.environ.get("GLUEFLOW_FAULT") == "write.during" and part == 1:
                    os.kill(os.getpid(), signal.SIGKILL)
        if os.environ.get("GLUEFLOW_FAULT") == "write.raises":
            raise RuntimeError("the job failed while writing")

    write_atomically(target, write, partitioned=partitioned)
    """
)


def run_writer(target: Path, version: str, *, partitioned: bool, fault: str | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(LIBRARY)}
    env.pop("GLUEFLOW_FAULT", None)
    if fault:
        env["GLUEFLOW_FAULT"] = fault
    command = [sys.executable, "-c", WRITER, str(target), version, "1" if partitioned else "0"]
    return subprocess.run(command, env=env, capture_output=True, timeout=60).returncode


def contents(target: Path) -> dict[str, str]:
    """{relative file: content} of what a reader of `target` sees (hidden files and folders skipped, as readers do)."""
    found = {}
    for path in sorted(target.rglob("*")):
        relative = path.relative_to(target)
        if path.is_file() and not any(p.startswith((".", "_")) for p in relative.parts):
            found[relative.as_posix()] = path.read_text()
    return found


FAULTS = ["write.during", "write.raises", "write.before_swap", "write.between_partitions", "write.after_swap"]


@pytest.mark.parametrize("partitioned", [False, True], ids=["whole-folder", "partitioned"])
@pytest.mark.parametrize("fault", FAULTS)
def test_a_killed_or_failed_overwrite_leaves_a_whole_output(
    tmp_path: Path, chaos: FaultRecorder, fault: str, partitioned: bool
) -> None:
    if fault == "write.between_partitions" and not partitioned:
        pytest.skip("only partitioned writes swap partition by partition")
    chaos.injected("kill -9 / failure of a job during an overwrite")
    target = tmp_path / "bucket" / "output"
    assert run_writer(target, "old", partitioned=partitioned) == 0
    before = contents(target)
    outside_before = snapshot(tmp_path, skip=(tmp_path / "bucket",))

    code = run_writer(target, "new", partitioned=partitioned, fault=fault)

    after = contents(target)
    expected_code = 1 if fault == "write.raises" else -signal.SIGKILL
    assert code == expected_code
    new = {k: "new" for k in before}
    if fault == "write.after_swap":
        assert after == new
    elif fault == "write.between_partitions":  # each partition whole: the first swapped, the second not yet
        assert after == {**before, **{k: "new" for k in before if k.startswith("day=1/")}}
    else:
        assert after == before
    lost = 0 if after and set(after) == set(before) else 1
    outside = len(changed(outside_before, snapshot(tmp_path, skip=(tmp_path / "bucket",))))
    chaos.outcome(lost=lost, outside=outside)
    # The next write succeeds and clears what the crashed one left behind.
    assert run_writer(target, "next", partitioned=partitioned) == 0
    assert contents(target) == {k: "next" for k in before}
    assert [p.name for p in target.parent.iterdir()] == ["output"]


@full_only
@pytest.mark.spark
def test_a_spark_job_killed_during_its_parquet_overwrite_keeps_the_previous_table(
    tmp_path: Path, chaos: FaultRecorder
) -> None:
    """A real Spark Parquet overwrite through `write_parquet`, killed before its swap on the second run: the
    output still reads back with the first run's rows (before: Spark had already emptied the folder)."""
    import pyarrow.parquet as pq

    chaos.injected("kill -9 of a Spark job during a Parquet overwrite")
    script = textwrap.dedent(
        """
        import sys
        from pyspark.sql import SparkSession
        from glueflow_lib.sinks import write_parquet
        spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
        df = spark.range(int(sys.argv[2])).withColumnRenamed("id", "n")
        write_parquet(df.coalesce(1), sys.argv[1])
        """
    )
    target = tmp_path / "processed" / "output"
    env = {**os.environ, "PYTHONPATH": str(LIBRARY)}
    env.pop("GLUEFLOW_FAULT", None)
    first = subprocess.run([sys.executable, "-c", script, str(target), "100"], env=env, timeout=300)
    assert first.returncode == 0
    killed = subprocess.run(
        [sys.executable, "-c", script, str(target), "7"],
        env={**env, "GLUEFLOW_FAULT": "write.before_swap"},
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL
    rows = pq.read_table(target).num_rows
    chaos.outcome(lost=0 if rows == 100 else 1, outside=0)
    assert rows == 100
