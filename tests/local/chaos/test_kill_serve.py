"""Findings 5 and 3 (locally) and 9: `kill -9` of `glueflow serve` at chosen points of an upload's delivery loses
nothing and starts nothing twice. Each case is a real `glueflow serve` process that SIGKILLs itself at a fault
point (glueflow.local.faults), then a clean restart; afterwards every upload has exactly one run naming it, or
sits in the dead letters."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from serve_fixtures import make_project

from glueflow.spec import load_deployment

from .conftest import FaultRecorder, changed, full_only, snapshot

CLICKS = "glueflow-local-clicks"
BURSTS = "glueflow-local-bursts"


class Serve:
    """`glueflow serve` in a subprocess on one project (state dir inside it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / ".glueflow-state"
        self.process: subprocess.Popen[bytes] | None = None
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GLUEFLOW_STATE_DIR", str(self.state))
            self.deployment = load_deployment("local", root=root)
        self.raw = self.state / "s3" / self.deployment.tfvars.environment.buckets.raw

    def start(self, fault: str | None = None) -> str:
        env = {**os.environ, "GLUEFLOW_STATE_DIR": str(self.state)}
        env.pop("GLUEFLOW_FAULT", None)
        env.pop("AWS_ENDPOINT_URL_GLUE", None)
        if fault:
            env["GLUEFLOW_FAULT"] = fault
        (self.state / "endpoint.json").unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "glueflow.cli.main", "serve", "--env", "local", "--no-schedules"],
            cwd=self.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(self.root.parent / "serve.log").open("ab"),
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            endpoint = self.state / "endpoint.json"
            if endpoint.is_file():
                return str(json.loads(endpoint.read_text())["url"])
            assert self.process.poll() is None, "serve exited while starting"
            time.sleep(0.1)
        raise AssertionError("serve did not start")

    def killed(self, timeout: float = 60) -> bool:
        """Whether serve SIGKILLed itself (its fault point was reached) within `timeout`."""
        assert self.process is not None
        try:
            return self.process.wait(timeout) == -signal.SIGKILL
        except subprocess.TimeoutExpired:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def drop(self, key: str, text: str = "day,clicks\n1,2\n") -> None:
        """An upload as `glueflow ingest` makes it: written aside, then renamed into place."""
        target = self.raw / key
        target.parent.mkdir(parents=True, exist_ok=True)
        aside = target.with_name(f".{target.name}.part")
        aside.write_text(text)
        os.replace(aside, target)

    def dead_letters(self) -> str:
        found = self.state.glob("lambda/*/dead-letters.jsonl")
        return "".join(p.read_text() for p in found)


def runs_naming(glue: Any, workflow: str, needle: str) -> list[dict[str, Any]]:
    runs = glue.get_workflow_runs(Name=workflow)["Runs"]
    return [r for r in runs if needle in json.dumps(r.get("WorkflowRunProperties", {}))]


def settle(serve: Serve, url: str, workflow: str, needles: list[str], timeout: float = 60) -> list[tuple[int, bool]]:
    """(runs naming the upload, dead-lettered?) per upload, once each has one or the other, after a short extra
    wait in which a duplicate run would have shown up (the Lambda's local retries take 1 s + 2 s)."""
    glue = boto3.client(
        "glue", endpoint_url=url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )

    def counts() -> list[tuple[int, bool]]:
        letters = serve.dead_letters()
        return [(len(runs_naming(glue, workflow, n)), n in letters) for n in needles]

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(runs or dead for runs, dead in counts()):
        time.sleep(0.1)
    time.sleep(3.5)
    return counts()


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    root = make_project(tmp_path_factory.mktemp("kill-serve") / "project")
    server = Serve(root)
    server.start()  # a first start records the files already there (they are not new): no upload may race it
    deadline = time.monotonic() + 60
    while not (server.state / "watcher" / "seen.json").is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    server.stop()
    yield server
    server.stop()


def kill_and_recover(serve: Serve, chaos: FaultRecorder, fault: str, workflow: str, key: str) -> None:
    chaos.injected(f"kill -9 serve at {fault}")
    outside_before = snapshot(serve.root, skip=(serve.state, serve.root / "build"))
    serve.start(fault)
    serve.drop(key)
    assert serve.killed(), f"serve did not reach {fault}"
    url = serve.start()
    try:
        [(runs, dead)] = settle(serve, url, workflow, [key.rsplit("/", 1)[-1]])
    finally:
        serve.stop()
    lost = 0 if runs == 1 or (runs == 0 and dead) else 1
    outside = len(changed(outside_before, snapshot(serve.root, skip=(serve.state, serve.root / "build"))))
    chaos.outcome(lost=lost + max(0, runs - 1), outside=outside)
    assert (runs, outside) == (1, 0), f"{key}: {runs} run(s), dead letter: {dead}"


def test_kill_after_the_upload_is_marked_seen_redelivers_it(serve: Serve, chaos: FaultRecorder) -> None:
    kill_and_recover(serve, chaos, "watcher.seen", CLICKS, "incoming/day=1/seen.csv")


@full_only
@pytest.mark.parametrize("fault", ["watcher.offered", "api.StartWorkflowRun", "watcher.handled"])
def test_kill_at_each_point_of_a_lambda_delivery(serve: Serve, chaos: FaultRecorder, fault: str) -> None:
    kill_and_recover(serve, chaos, fault, CLICKS, f"incoming/day=2/{fault}.csv")


@full_only
@pytest.mark.parametrize("fault", ["watcher.offered", "watcher.seen"])
def test_kill_with_an_event_batch_open_keeps_the_batch(serve: Serve, chaos: FaultRecorder, fault: str) -> None:
    kill_and_recover(serve, chaos, fault, BURSTS, f"bursts/{fault}.json")


def test_files_uploaded_together_start_one_run(serve: Serve, chaos: FaultRecorder) -> None:
    """Finding 9: three files at once gave one run and two dead letters (three invocations racing for one run)."""
    chaos.injected("3 uploads at once")
    url = serve.start()
    try:
        for name in ("a", "b", "c"):
            serve.drop(f"incoming/day=3/together-{name}.csv")
        counts = settle(serve, url, CLICKS, [f"together-{name}.csv" for name in ("a", "b", "c")])
    finally:
        serve.stop()
    lost = sum(1 for runs, dead in counts if runs == 0 and not dead)
    chaos.outcome(lost=lost, outside=0)
    assert counts == [(1, False)] * 3
