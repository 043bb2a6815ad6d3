"""Benchmarks behind the job runner's design (`python -m benchmarks.job_start`).

1. How to run glueetl jobs. Spark start-up dominates small runs, so four strategies run the same small job
   (read a CSV with a header, cast columns, write Parquet, count it back), each `--repeat` times:
   - `cold`: a new process per job run, no class-data-sharing (CDS) archive;
   - `cold+cds`: a new process per job run, with the CDS archive of Spark's classes;
   - `spare+cds`: a warm spare (session built and warm-up query run before the job arrives) per job run — what
     the runtime does; each process still serves exactly one job run;
   - `shared-driver`: one long-lived process running job after job in the same SparkSession (the 2nd and later
     runs are timed). Fastest, but not isolated: a job's `spark.stop()`, crash, temp views, conf or sys.modules
     changes hit every later job, so the runtime does not use it; it is measured as the floor.
2. Hop latency: a chain of python-shell jobs; from each node's CompletedOn to its successor's StartedOn.

Prints a table; `--json PATH` writes the numbers.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from glueflow.local.jobs import JobLaunch, JobRunner, cds_archive_path

JOB_SCRIPT = textwrap.dedent(
    """
    import sys
    from pyspark.sql import SparkSession

    source, target = sys.argv[sys.argv.index("--SOURCE") + 1], sys.argv[sys.argv.index("--TARGET") + 1]
    spark = SparkSession.builder.getOrCreate()
    frame = spark.read.option("header", "true").csv(source)
    typed = frame.selectExpr("CAST(customer_id AS INT) AS customer_id", "name AS customer_name",
                             "CAST(purchase_amount AS DOUBLE) AS purchase_amount", "purchase_date")
    typed.write.mode("overwrite").parquet(target)
    assert spark.read.parquet(target).count() == 5
    """
)
SAMPLE = "customer_id,name,email,purchase_amount,purchase_date\n" + "".join(
    f"{n},Name {n},n{n}@example.com,{n * 25}.00,2024-01-1{n}\n" for n in range(1, 6)
)


def _launch(work: Path, index: int) -> JobLaunch:
    run_dir = work / f"run-{index}"
    return JobLaunch(
        job_run_id=f"bench-{index}",
        kind="glueetl",
        script=work / "job.py",
        argv=["--JOB_NAME", "bench", "--SOURCE", str(work / "sample.csv"), "--TARGET", str(run_dir / "out")],
        env={},
        python_path=[],
        run_dir=run_dir,
        log_path=work / "logs" / f"{index}.log",
        timeout_seconds=600,
    )


def _time_runner(work: Path, repeat: int, *, cds: bool, spare: bool, offset: int) -> list[float]:
    previous = os.environ.get("GLUEFLOW_SPARK_CDS")
    if not cds:
        os.environ["GLUEFLOW_SPARK_CDS"] = "off"
    runner = JobRunner(work / "processes")
    try:
        times = []
        for index in range(offset, offset + repeat):
            if spare:
                runner.prewarm(1)
                while not any(s.ready for s in runner._spares):  # time the job, not the warm-up
                    time.sleep(0.05)
            launch = _launch(work, index)
            started = time.perf_counter()
            outcome = runner.start(launch).wait(launch)
            times.append(time.perf_counter() - started)
            if outcome.state != "SUCCEEDED":
                raise RuntimeError(f"bench job failed: {outcome.error_message} (log {launch.log_path})")
        return times
    finally:
        runner.close()
        if previous is None:
            os.environ.pop("GLUEFLOW_SPARK_CDS", None)
        else:
            os.environ["GLUEFLOW_SPARK_CDS"] = previous


def _time_shared_driver(work: Path, repeat: int) -> list[float]:
    driver = textwrap.dedent(
        f"""
        import json, runpy, sys, time
        from pathlib import Path
        from glueflow.local.launcher import build_session
        work = Path({str(work)!r})
        build_session("bench", work / "shared")
        times = []
        for index in range({repeat + 1}):
            sys.argv = ["job.py", "--SOURCE", str(work / "sample.csv"), "--TARGET", str(work / f"shared-{{index}}")]
            started = time.perf_counter()
            runpy.run_path(str(work / "job.py"), run_name="__main__")
            times.append(time.perf_counter() - started)
        print("TIMES " + json.dumps(times[1:]))
        """
    )
    env = {**os.environ, "JAVA_HOME": str(_java_home())}
    result = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True, env=env, check=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith("TIMES "))
    return [float(t) for t in json.loads(line[6:])]


def _java_home() -> Path:
    from glueflow.local.java import java_home

    return java_home()


def bench_strategies(repeat: int) -> dict[str, list[float]]:
    archive = cds_archive_path()
    if not archive.is_file():
        print(f"building the CDS archive first ({archive}) ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "glueflow.local.launcher", "--build-cds", str(archive)],
            env={**os.environ, "JAVA_HOME": str(_java_home())},
            capture_output=True,
            check=True,
        )
    with tempfile.TemporaryDirectory(prefix="glueflow-bench-jobs-") as tmp:
        work = Path(tmp)
        (work / "job.py").write_text(JOB_SCRIPT, encoding="utf-8")
        (work / "sample.csv").write_text(SAMPLE, encoding="utf-8")
        results = {}
        for offset, (label, cds, spare) in enumerate(
            (("cold", False, False), ("cold+cds", True, False), ("spare+cds", True, True))
        ):
            print(f"timing {label} ...", file=sys.stderr)
            results[label] = _time_runner(work, repeat, cds=cds, spare=spare, offset=offset * 100)
        print("timing shared-driver ...", file=sys.stderr)
        results["shared-driver"] = _time_shared_driver(work, repeat)
    return results


def bench_hops(nodes: int) -> list[float]:
    """Hop latencies of a python-shell chain j0 → j1 → … on a fresh runtime."""
    from glueflow.local.provision import deploy
    from glueflow.local.runtime import LocalRuntime
    from glueflow.spec import load_deployment

    with tempfile.TemporaryDirectory(prefix="glueflow-bench-hops-") as tmp:
        root = Path(tmp)
        for folder in ("pipelines", "envs", "glue_jobs/bench"):
            (root / folder).mkdir(parents=True)
        (root / "envs" / "local.yaml").write_text(
            'name: local\nkind: local\naccount_id: "000000000000"\nregion: us-east-1\nname_prefix: glueflow\n'
        )
        (root / "glue_jobs" / "bench" / "noop.py.j2").write_text("print('{{ job.name }}')\n")
        jobs = {
            f"j{i}": {"type": "pythonshell", "glue_version": "3.0", "template": "bench/noop.py.j2"}
            for i in range(nodes)
        }
        triggers: dict[str, Any] = {"go": {"type": "on_demand", "start": [{"job": "j0"}]}}
        for i in range(1, nodes):
            triggers[f"after_j{i - 1}"] = {
                "type": "conditional",
                "when": {"all": [{"job": f"j{i - 1}", "state": "SUCCEEDED"}]},
                "start": [{"job": f"j{i}"}],
            }
        spec = {"name": "hops", "jobs": jobs, "triggers": triggers}
        # JSON is YAML: the spec needs no YAML writer.
        (root / "pipelines" / "hops.yaml").write_text(json.dumps(spec, indent=2))
        os.environ["GLUEFLOW_STATE_DIR"] = str(root / ".state")
        deployment = load_deployment("local", "hops", root=root)
        deploy(deployment)
        with LocalRuntime.for_deployment(deployment) as runtime:
            workflow = deployment.tfvars.pipelines["hops"].workflow_name
            run_id = runtime.call("StartWorkflowRun", {"Name": workflow})["RunId"]
            runtime.engine.wait_for_workflow_run(run_id, 120)
            runs = sorted(runtime.store.job_runs_of_workflow_run(run_id), key=lambda r: r["StartedOn"])
        os.environ.pop("GLUEFLOW_STATE_DIR", None)
    return [after["StartedOn"] - before["CompletedOn"] for before, after in itertools.pairwise(runs)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.job_start", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="job runs per strategy (default 3)")
    parser.add_argument("--hops", type=int, default=6, help="nodes in the hop-latency chain (default 6)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"cpus": os.cpu_count(), "load_average": os.getloadavg()}
    results["strategies"] = bench_strategies(args.repeat)
    results["hops"] = bench_hops(args.hops)
    print(f"{'strategy':<15}{'median s':>10}{'min s':>8}{'max s':>8}   (one small glueetl job run, wall time)")
    for label, times in results["strategies"].items():
        print(f"{label:<15}{statistics.median(times):>10.2f}{min(times):>8.2f}{max(times):>8.2f}")
    hops = results["hops"]
    median, worst = statistics.median(hops) * 1000, max(hops) * 1000
    print(f"hop latency over {len(hops)} hops: median {median:.1f} ms, max {worst:.1f} ms")
    print(f"load average during the run: {results['load_average']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
