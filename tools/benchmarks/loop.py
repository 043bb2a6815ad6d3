"""The edit-and-run loop as a user lives it: `glueflow run -p <pipeline>` as a process, wall time from start to exit.

In a copy of the project (its specs and job templates; the repo is never edited) with a fresh state dir:
- cold: the first run, no runtime up (it starts the background runtime);
- warm: the job template edited, then a run once the runtime has settled (a Spark spare ready, none still
  warming: the next run of the day; `--repeat` times);
- back to back: runs started the moment the previous one exits, each after an edit (`--repeat` times);
- the same back to back against a foreground `glueflow serve` (`serve`).
The runtime is stopped (`glueflow serve --stop`) at the end.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.cli_imports import import_seconds

TEMPLATE = {"customer_purchases": "glue_jobs/customer_purchases/map_purchases.py.j2"}


def _copy_project(root: Path, into: Path) -> Path:
    for folder in ("pipelines", "envs", "glue_jobs", "lambda"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, into / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return into


class Loop:
    def __init__(self, project: Path, pipeline: str) -> None:
        self.project, self.pipeline = project, pipeline
        self.state = project / ".glueflow-bench"
        self.env = {
            **os.environ,
            "GLUEFLOW_ROOT": str(project),
            "GLUEFLOW_STATE_DIR": str(self.state),
            "GLUEFLOW_BACKGROUND": "on",
        }
        self.edits = 0

    def glueflow(self, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
        started = time.perf_counter()
        command = [sys.executable, "-m", "glueflow.cli.main", *args]
        result = subprocess.run(command, env=self.env, cwd=self.project, capture_output=True, text=True, check=False)
        return time.perf_counter() - started, result

    def edit(self) -> None:
        """What a user does between runs: change the job's template (a comment, so the output stays the same)."""
        template = self.project / TEMPLATE.get(self.pipeline, "")
        if template.is_file():
            self.edits += 1
            with template.open("a", encoding="utf-8") as handle:
                handle.write(f"# edit {self.edits}\n")

    def run(self) -> float:
        self.edit()
        seconds, result = self.glueflow("run", "-p", self.pipeline)
        if result.returncode != 0:
            output = result.stdout[-1500:] + result.stderr[-1500:]
            raise RuntimeError(f"glueflow run failed ({result.returncode}): {output}")
        return seconds

    def wait_for_spare(self, timeout: float = 300) -> None:
        """Until the runtime is settled, as before a user's next run some time later: at least one spare ready and
        none still warming or running a job (every live spare process's ready file exists), so a warm run competes
        with nothing."""
        spares = self.state / "processes" / "spares"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(spares.glob("ready-*")) and all(Path(f).exists() for f in _live_spare_ready_files(spares)):
                return
            time.sleep(0.1)


def _live_spare_ready_files(spares: Path) -> list[str]:
    """The ready-file paths named on the command lines of live spare processes (`launcher --spark <file>`) of
    this state dir (Linux /proc; elsewhere none, so only "one spare ready" is waited for)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"glueflow.local.launcher" in argv and b"--spark" in argv:
            ready = os.fsdecode(argv[argv.index(b"--spark") + 1])
            if Path(ready).parent == spares:
                found.append(ready)
    return found


def bench_loop(root: Path, pipeline: str = "customer_purchases", repeat: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="glueflow-bench-loop-") as tmp:
        loop = Loop(_copy_project(root, Path(tmp)), pipeline)
        try:
            cold = loop.run()
            warm = []
            for _ in range(repeat):
                loop.wait_for_spare()
                warm.append(loop.run())
            loop.wait_for_spare()
            back_to_back = [loop.run() for _ in range(repeat)]
            # `glueflow status` as a user runs it: against the running runtime, settled (measured while the
            # back-to-back runs' replacement spares warmed, it timed their contention for the cores, not imports).
            loop.wait_for_spare()
            status_imports = statistics.median(
                import_seconds(["status"], cwd=loop.project, env=loop.env) for _ in range(max(3, repeat))
            )
        finally:
            loop.glueflow("serve", "--stop")
        served = _back_to_back_under_serve(loop, repeat)
    return {
        "pipeline": pipeline,
        "cold_seconds": round(cold, 2),
        "warm_seconds": [round(s, 2) for s in warm],
        "warm_median_seconds": round(statistics.median(warm), 2),
        "back_to_back_seconds": [round(s, 2) for s in back_to_back],
        "back_to_back_median_seconds": round(statistics.median(back_to_back), 2),
        "serve_back_to_back_seconds": [round(s, 2) for s in served],
        "serve_back_to_back_median_seconds": round(statistics.median(served), 2),
        "status_import_seconds_runtime_up": round(status_imports, 3),
    }


def _back_to_back_under_serve(loop: Loop, repeat: int) -> list[float]:
    command = [sys.executable, "-m", "glueflow.cli.main", "serve", "--no-schedules"]
    server = subprocess.Popen(
        command, env=loop.env, cwd=loop.project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while not (loop.state / "endpoint.json").is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        loop.run()  # its first run warms it, as `make run` under serve would have
        loop.wait_for_spare()
        return [loop.run() for _ in range(repeat)]
    finally:
        server.terminate()
        server.wait(timeout=120)
