"""The one-script loop: `glueflow job run` of a 5-row stock Glue script against a served env, wall clock as the
user sees it (CLI start, StartJobRun, the Spark job, the streamed log, exit).

The first run starts Spark in a new process (cold); after a standalone Spark run the runtime keeps a warm spare,
so the following runs, each started once that spare is ready, measure the edit-run loop. Goal: under 3 s wall.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SCRIPT = """\
import sys

from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from awsglue.transforms import ApplyMapping
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "OUTPUT_BUCKET"])
glue_context = GlueContext(SparkContext())
rows = [(str(i), f"{i * 1.5:.2f}") for i in range(1, 6)]
frame = DynamicFrame.fromDF(glue_context.spark_session.createDataFrame(rows, ["id", "amount"]), glue_context, "in")
mappings = [("id", "string", "id", "int"), ("amount", "string", "amount", "double")]
typed = ApplyMapping.apply(frame=frame, mappings=mappings)
typed.toDF().write.mode("overwrite").parquet(f"s3://{args['OUTPUT_BUCKET']}/one_script/")
print("rows written:", typed.count())
"""
GLUEFLOW = [sys.executable, "-m", "glueflow.cli.main"]


def _ready_spares(state_dir: Path) -> int:
    return len(list((state_dir / "processes" / "spares").glob("ready-*")))


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout:.0f}s")
        time.sleep(0.2)


def bench_one_script(deployment: Any, runs: int = 3) -> dict[str, Any]:
    """Serve the deployment's env, then time `glueflow job run` `runs` times (the first cold)."""
    from glueflow.aws import live_endpoint

    state_dir = deployment.state_dir
    env = {**os.environ, "GLUEFLOW_STATE_DIR": str(state_dir), "GLUEFLOW_ROOT": str(deployment.root)}
    script = state_dir / "five_rows.py"
    script.write_text(SCRIPT, encoding="utf-8")
    bucket = deployment.tfvars.environment.buckets.processed
    serve = subprocess.Popen(
        [*GLUEFLOW, "serve", "--no-schedules"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    walls: list[float] = []
    try:
        _wait_for(lambda: live_endpoint(state_dir) is not None, 120, "glueflow serve did not come up")
        for index in range(runs):
            started = time.monotonic()
            done = subprocess.run(
                [*GLUEFLOW, "job", "run", str(script), "--arg", f"OUTPUT_BUCKET={bucket}"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            walls.append(time.monotonic() - started)
            if done.returncode != 0 or "rows written: 5" not in done.stdout:
                raise RuntimeError(f"job run {index} failed ({done.returncode}): {done.stderr[-2000:]}")
            if index + 1 < runs:  # the next run of the loop starts once the runtime's new spare is warm
                # `processes/spares/ready-*` lists the spares waiting for a job (a taken one's file goes).
                _wait_for(lambda: _ready_spares(state_dir) > 0, 300, "no warm spare was ready")
    finally:
        subprocess.run([*GLUEFLOW, "serve", "--stop"], env=env, capture_output=True, check=False)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()
    warm = walls[1:]
    return {
        "runs": len(walls),
        "cold_seconds": walls[0],
        "warm_seconds": warm,
        "warm_median_seconds": statistics.median(warm) if warm else None,
    }
