"""Tmp projects whose jobs are stock Glue scripts (tests/glue_layer/scripts/*.py.j2, stock scripts used unchanged as templates)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.local.helpers import LocalProject, finished_run, node_runs

SCRIPTS = Path(__file__).resolve().parent / "scripts"
RAW = "glueflow-local-raw-000000000000"
PROCESSED = "glueflow-local-processed-000000000000"


def add_script(project: LocalProject, name: str) -> str:
    """Copies a stock script into the project's glue_jobs/ as a template; returns its template path."""
    target = project.root / "glue_jobs" / "stock" / f"{name}.py.j2"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCRIPTS / f"{name}.py.j2", target)
    return f"stock/{name}.py.j2"


def bucket(project: LocalProject, name: str) -> Path:
    return project.state_dir / "s3" / name


def run_workflow(project: LocalProject, pipeline: str, timeout: float = 300, **options: Any) -> dict[str, Any]:
    runtime = project.runtime(pipeline, **options)
    workflow = f"glueflow-local-{pipeline}".replace("_", "-")
    run_id = runtime.call("StartWorkflowRun", {"Name": workflow})["RunId"]
    return finished_run(runtime, workflow, run_id, timeout=timeout)


def job_run(project: LocalProject, run: dict[str, Any], pipeline: str, job: str) -> dict[str, Any]:
    runs = node_runs(run, project.physical(pipeline, job))
    assert runs, f"job {job} did not run"
    return runs[-1]


def job_log(project: LocalProject, job_run_id: str) -> str:
    return (project.state_dir / "logs" / "jobs" / f"{job_run_id}.log").read_text(encoding="utf-8", errors="replace")
