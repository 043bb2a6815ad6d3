"""The background runtime: `glueflow run` starts it on first use, the next command reuses it (found through the
state dir), `glueflow serve --stop` stops it, and it retires by itself when idle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from serve_fixtures import make_project, wait_for

pytestmark = pytest.mark.slow


def glueflow(root: Path, *args: str, idle: float = 600) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GLUEFLOW_ROOT": str(root),
        "GLUEFLOW_STATE_DIR": str(root / ".state"),
        "GLUEFLOW_BACKGROUND": "on",
        "GLUEFLOW_BACKGROUND_IDLE": str(idle),
    }
    command = [sys.executable, "-m", "glueflow.cli.main", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180, cwd=root)


def announced(root: Path) -> dict[str, object]:
    return dict(json.loads((root / ".state" / "endpoint.json").read_text()))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().split(")")[-1].split()[0] != "Z"


def test_run_starts_one_background_runtime_that_the_next_run_reuses_and_serve_stop_ends(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    first = glueflow(root, "run", "-p", "clicks", "-P", 'source_keys=["a.csv"]')
    assert first.returncode == 0, first.stderr
    info = announced(root)
    pid, url = int(str(info["pid"])), str(info["url"])
    try:
        assert url.startswith("http://127.0.0.1:") and f"local endpoint {url}" in first.stderr
        assert alive(pid)  # outlives the command that started it
        second = glueflow(root, "run", "-p", "clicks", "-P", 'source_keys=["b.csv"]', "--no-follow")
        assert second.returncode == 0, second.stderr  # --no-follow works: the run lives on in the runtime
        assert announced(root)["pid"] == pid and f"local endpoint {url}" in second.stderr
        glue = boto3.client(
            "glue", endpoint_url=url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
        runs = glue.get_workflow_runs(Name="glueflow-local-clicks")["Runs"]
        assert len(runs) == 2  # both runs went to the same runtime and store
        log = (root / ".state" / "logs" / "runtime.log").read_text()
        assert "background runtime at" in log
        refused = glueflow(root, "serve", "--no-schedules")  # one runtime per state dir
        assert refused.returncode == 2 and "already running" in refused.stderr
    finally:
        stopped = glueflow(root, "serve", "--stop")
    assert stopped.returncode == 0 and f"pid {pid}" in stopped.stderr, stopped.stderr
    assert not alive(pid) and not (root / ".state" / "endpoint.json").exists()
    assert "no runtime is running" in glueflow(root, "serve", "--stop").stderr


def test_the_background_runtime_retires_when_idle(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    started = glueflow(root, "run", "-p", "clicks", "-P", 'source_keys=["a.csv"]', idle=3)
    assert started.returncode == 0, started.stderr
    pid = int(str(announced(root)["pid"]))
    wait_for(lambda: not alive(pid), 60, "the idle runtime to retire")
    assert not (root / ".state" / "endpoint.json").exists()
    assert "retiring" in (root / ".state" / "logs" / "runtime.log").read_text()
