"""A tmp project with one small pipeline (a crawler and three python-shell jobs, one failing on purpose, with
user data that looks like HTML in its arguments and run properties), served by `glueflow serve`'s services with
the web console, and one finished workflow run, shared by the module."""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from glueflow.local.services.serve import LocalServices, ServeSettings
from glueflow.spec import Deployment, load_deployment

REPO = Path(__file__).resolve().parents[2]
STEP_TEMPLATE = REPO / "tests" / "local" / "templates" / "step.py.j2"
ENV_YAML = """\
name: local
kind: local
account_id: "000000000000"
region: us-east-1
name_prefix: glueflow
local:
  max_parallel_nodes: 2
"""
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


def _shell(mode: str, markers: Path, **arguments: str) -> dict[str, Any]:
    return {
        "type": "pythonshell",
        "glue_version": "3.0",
        "template": "tests/step.py.j2",
        "arguments": {"--MODE": mode, "--MARKER_DIR": str(markers), **arguments},
    }


def _when(kind: str, node: str, name: str, state: str, start: dict[str, str]) -> dict[str, Any]:
    return {"type": "conditional", "when": {"all": [{kind: name, "state": state}]}, "start": [start]}


def make_project(root: Path) -> Path:
    (root / "envs").mkdir(parents=True)
    (root / "envs" / "local.yaml").write_text(ENV_YAML)
    shutil.copytree(
        REPO / "glue_jobs" / "lib", root / "glue_jobs" / "lib", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "glue_jobs" / "tests").mkdir()
    shutil.copy(STEP_TEMPLATE, root / "glue_jobs" / "tests" / "step.py.j2")
    samples = root / "pipelines" / "sample_data" / "console_demo"
    samples.mkdir(parents=True)
    (samples / "rows.csv").write_text("id,name\n1,a\n2,b\n")
    markers = root / "markers"
    spec = {
        "name": "console_demo",
        "description": "A crawl, a job, a job that fails, and its handler.",
        "crawlers": {"landing": {"targets": [{"bucket": "raw", "prefix": "landing/"}]}},
        "jobs": {
            "prepare": _shell("ok", markers, **{"--NOTE": HOSTILE}),
            "boom": _shell("fail", markers),
            "cleanup": _shell("ok", markers),
        },
        "triggers": {
            "go": {"type": "on_demand", "start": [{"crawler": "landing"}]},
            "landed": _when("crawler", "landing", "landing", "SUCCEEDED", {"job": "prepare"}),
            "prepared": _when("job", "prepare", "prepare", "SUCCEEDED", {"job": "boom"}),
            "boom_failed": _when("job", "boom", "boom", "FAILED", {"job": "cleanup"}),
        },
        "sample_data": [{"bucket": "raw", "key": "landing/rows.csv", "file": "sample_data/console_demo/rows.csv"}],
    }
    (root / "pipelines" / "console_demo.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return root


@dataclass
class Console:
    services: LocalServices
    deployment: Deployment
    workflow: str
    run_id: str

    @property
    def url(self) -> str:
        return self.services.url

    def physical(self, logical: str) -> str:
        return f"{self.workflow}-{logical}".replace("_", "-")

    def get(self, path: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
        """GET a console path over HTTP: (status, headers, body)."""
        request = urllib.request.Request(self.url + path)
        if host is not None:
            request.add_unredirected_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    root = make_project(tmp_path_factory.mktemp("console") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GLUEFLOW_STATE_DIR", str(root / ".glueflow-state"))
        patch.delenv("AWS_ENDPOINT_URL_GLUE", raising=False)
        deployment = load_deployment("local", root=root)
        settings = ServeSettings(port=0, scheduler=False, watcher=False)
        with LocalServices(deployment, settings) as services:
            workflow = deployment.tfvars.pipelines["console_demo"].workflow_name
            runtime = services.runtime
            run_id = runtime.call("StartWorkflowRun", {"Name": workflow, "RunProperties": {"note": HOSTILE}})["RunId"]
            runtime.engine.wait_for_workflow_run(run_id, 120)
            deadline = time.monotonic() + 30
            while runtime.call("GetWorkflowRun", {"Name": workflow, "RunId": run_id})["Run"]["Status"] == "RUNNING":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            yield Console(services, deployment, workflow, run_id)
