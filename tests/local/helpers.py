"""Helpers for the local runtime tests: throw-away projects with small pipelines of test jobs.

`step.py.j2` (templates/) is a python-shell job whose behaviour comes from its --MODE argument (ok, fail,
fail_once, sleep:N, put_property, get_property, bookmark); each attempt leaves a JSON marker in --MARKER_DIR
with its argv, pid, times and environment, which the tests read to check what really ran.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from shape_validator import shape_problems  # noqa: F401 - re-exported for the local tests

from glueflow.local.provision import deploy
from glueflow.local.runtime import LocalRuntime
from glueflow.spec import Deployment, load_deployment

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = Path(__file__).resolve().parent / "templates"
ENV_YAML = """\
name: local
kind: local
account_id: "000000000000"
region: us-east-1
name_prefix: glueflow
local:
  max_parallel_nodes: 4
"""


class LocalProject:
    """A tmp glueflow project (pipelines/, envs/, glue_jobs/) with its own state dir."""

    def __init__(self, root: Path, state_dir: Path) -> None:
        self.root = root
        self.state_dir = state_dir
        self.markers = root / "markers"
        self._runtimes: list[LocalRuntime] = []

    def shell_job(self, mode: str = "ok", **settings: Any) -> dict[str, Any]:
        arguments = {"--MODE": mode, "--MARKER_DIR": str(self.markers), **settings.pop("arguments", {})}
        return {
            "type": "pythonshell",
            "glue_version": "3.0",
            "template": "tests/step.py.j2",
            "arguments": arguments,
            **settings,
        }

    def write_pipeline(self, name: str, *, jobs: dict[str, Any], triggers: dict[str, Any], **rest: Any) -> None:
        spec = {"name": name, "jobs": jobs, "triggers": triggers, **rest}
        (self.root / "pipelines" / f"{name}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))

    def deployment(self, pipeline: str) -> Deployment:
        return load_deployment("local", pipeline, root=self.root)

    def runtime(self, pipeline: str, **options: Any) -> LocalRuntime:
        deployment = self.deployment(pipeline)
        deploy(deployment)
        return self.track(LocalRuntime.for_deployment(deployment, **options))

    def track(self, runtime: LocalRuntime) -> LocalRuntime:
        """Close `runtime` when the test ends."""
        self._runtimes.append(runtime)
        return runtime

    @staticmethod
    def physical(pipeline: str, logical: str) -> str:
        return f"glueflow-local-{pipeline}-{logical}".replace("_", "-")

    def markers_of(self, job: str) -> list[dict[str, Any]]:
        """Every attempt's marker of a job (logical name), oldest first."""
        found = [json.loads(p.read_text()) for p in self.markers.glob(f"{job}.jr_*.json")]
        return sorted(found, key=lambda m: m["started"])

    def close(self) -> None:
        for runtime in self._runtimes:
            runtime.close()


def node_runs(run: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The job runs or crawls of one node (physical name) in a GetWorkflowRun(IncludeGraph) result."""
    for node in run["Graph"]["Nodes"]:
        if node["Name"] == name:
            if node["Type"] == "JOB":
                return list(node["JobDetails"].get("JobRuns", []))
            return list(node["CrawlerDetails"].get("Crawls", []))
    raise KeyError(name)


def finished_run(runtime: LocalRuntime, workflow: str, run_id: str, timeout: float = 60) -> dict[str, Any]:
    runtime.engine.wait_for_workflow_run(run_id, timeout)
    return runtime.call("GetWorkflowRun", {"Name": workflow, "RunId": run_id, "IncludeGraph": True})["Run"]
