"""The end of a job run on a warm spare: the job's queries run without whole-stage code generation, and with
interpreted expressions, when its launch says so (small and tiny inputs, job_inputs.choose_codegen and
choose_interpreted; the catalog's typed results still decode), and once the result is written the spare's JVM is gone
and its folder removed, with the job's output intact. A long-lived runtime replaces the taken spare: at once when
none is left, and up to two spares when the job has ended."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from glueflow.glue import JobRunState
from glueflow.local import jobs
from glueflow.local.jobs import JobLaunch, JobRunner

pytestmark = pytest.mark.spark

SCRIPT = """
import json, sys
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
out = sys.argv[sys.argv.index("--OUT") + 1]
spark.createDataFrame([(1, "a"), (2, "b")], "id INT, name STRING").coalesce(1).write.parquet(out + "/data")
spark.sql(f"CREATE TABLE written USING parquet LOCATION '{out}/data'")
tables = sorted(t.name for t in spark.catalog.listTables())  # typed rows: decoded with compiled code
settings = ("spark.sql.codegen.wholeStage", "spark.sql.codegen.factoryMode", "spark.sql.adaptive.enabled")
conf = {k: spark.conf.get(k) for k in settings}
conf["databases"] = sorted(d.name for d in spark.catalog.listDatabases())
conf["tables"] = tables
conf["columns"] = [c.name for c in spark.catalog.listColumns("written")]
with open(out + "/conf.json", "w") as handle:
    json.dump(conf, handle)
"""


def _processes_naming(folder: Path) -> list[int]:
    """Live processes whose command line names `folder` (the spare's JVM names its scratch dirs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("State:"))
        except (OSError, StopIteration):
            continue
        if str(folder) in command and "zombie" not in state:
            found.append(int(entry.name))
    return found


def _eventually(condition: Callable[[], bool], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_small_job_on_a_spare_runs_without_codegen_and_leaves_no_jvm_or_scratch(tmp_path: Path) -> None:
    runner = JobRunner(tmp_path / "processes", replace_taken=True)
    try:
        runner.prewarm(1)
        spares = tmp_path / "processes" / "spares"
        deadline = time.monotonic() + 240
        while not list(spares.glob("ready-*")) and time.monotonic() < deadline:
            time.sleep(0.2)
        (spare_dir,) = spares.glob("spare-*")
        assert _processes_naming(spare_dir), "the spare's JVM should be running before the job"
        script = tmp_path / "job.py"
        script.write_text(SCRIPT)
        out = tmp_path / "out"
        out.mkdir()
        launch = JobLaunch(
            job_run_id="jr_end",
            kind="glueetl",
            script=script,
            argv=["--OUT", str(out)],
            env={},
            python_path=[],
            run_dir=tmp_path / "runs" / "jr_end",
            log_path=tmp_path / "logs" / "jr_end.log",
            timeout_seconds=240,
            codegen=False,
            interpreted=True,
        )
        process = runner.start(launch)
        assert _eventually(lambda: len(runner._spares) == 1), "no spare was left: one replacement starts at once"
        outcome = process.wait(launch)
        assert _eventually(lambda: len(runner._spares) == jobs.SPARES_KEPT), "topped up when the job ended"
        replacements = {s.ready_file.name for s in runner._spares}
    finally:
        runner.close()

    assert outcome.state == JobRunState.SUCCEEDED, launch.log_path.read_text()
    assert "warm spare" in launch.log_path.read_text().splitlines()[0]
    assert json.loads((out / "conf.json").read_text()) == {
        "spark.sql.codegen.wholeStage": "false",
        "spark.sql.codegen.factoryMode": "NO_CODEGEN",  # a tiny input: expressions interpreted too
        "spark.sql.adaptive.enabled": "false",
        "databases": ["default"],  # the spare's warm-up left none of its own
        "tables": ["written"],
        "columns": ["id", "name"],
    }
    assert len(list((out / "data").glob("part-*.parquet"))) == 1 and (out / "data" / "_SUCCESS").is_file()
    assert json.loads((launch.run_dir / "result.json").read_text()) == {"ok": True}
    assert not spare_dir.exists()
    assert _processes_naming(spare_dir) == [], "the spare's JVM outlived its job"
    assert not any(f.name in replacements for f in spares.glob("ready-*"))  # retired with the runtime
    assert not list(spares.glob("spare-*")), "spares killed with the runtime left their folders behind"
