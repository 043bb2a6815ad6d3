"""A tmp glueflow project with three small python-shell pipelines (clicks: upload Lambda, bursts: EVENT trigger,
nightly: SCHEDULED), and `glueflow serve`'s services running on it for a whole test module.

Shared by the service tests (tests/local/services) and the CLI tests (tests/cli): their conftest.py imports the
`served` fixture from here."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from glueflow.glue import FINISHED_WORKFLOW_RUN_STATUSES
from glueflow.local.services.serve import LocalServices, ServeSettings
from glueflow.spec import Deployment, load_deployment

REPO = Path(__file__).resolve().parents[1]
PROJECT = Path(__file__).resolve().parent / "serve_project"


def make_project(root: Path) -> Path:
    """The test pipelines and envs plus the repo's job library and Lambda handler."""
    shutil.copytree(PROJECT, root)
    shutil.copytree(
        REPO / "glue_jobs" / "lib", root / "glue_jobs" / "lib", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(REPO / "lambda" / "start_workflow", root / "lambda" / "start_workflow")
    return root


@dataclass
class Served:
    services: LocalServices
    deployment: Deployment
    root: Path

    @property
    def url(self) -> str:
        return self.services.url

    def glue(self) -> Any:
        """A plain boto3 Glue client on the endpoint, as any user would make one (any credentials)."""
        return boto3.client(
            "glue", endpoint_url=self.url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )

    def drop(self, key: str, text: str) -> Path:
        """A file landing in the local raw bucket (written in place, as `cp` would)."""
        path = self.deployment.state_dir / "s3" / self.deployment.tfvars.environment.buckets.raw / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def workflow(self, pipeline: str) -> str:
        return self.deployment.tfvars.pipelines[pipeline].workflow_name


def wait_for(condition: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def finished_run(glue: Any, workflow: str, run_id: str, timeout: float = 60.0) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        run = glue.get_workflow_run(Name=workflow, RunId=run_id, IncludeGraph=True)["Run"]
        return run if run["Status"] in FINISHED_WORKFLOW_RUN_STATUSES else None

    return wait_for(done, timeout, f"run {run_id} of {workflow} to finish")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = make_project(tmp_path_factory.mktemp("served") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GLUEFLOW_STATE_DIR", str(root / ".glueflow-state"))
        patch.delenv("AWS_ENDPOINT_URL_GLUE", raising=False)
        deployment = load_deployment("local", root=root)
        with LocalServices(deployment, ServeSettings(port=0, watch_interval=0.05)) as services:
            yield Served(services, deployment, root)
