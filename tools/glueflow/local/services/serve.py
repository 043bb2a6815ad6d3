"""`glueflow serve`'s services for one local env: the runtime, its Glue endpoint on loopback, the cron scheduler
for SCHEDULED start triggers and the upload watcher (S3 events → Lambda handler / EVENT triggers).

While serving, `<state_dir>/endpoint.json` names the endpoint, so `glueflow run`/`status` (and anyone reading it)
use this runtime instead of starting their own. Everything is stopped and the file removed on close.

Where the event sources differ from AWS on purpose:
- S3 events are synthesized from files appearing in `<state_dir>/s3/` (a 0.25 s poll; a file counts once its size
  and mtime are stable), always `ObjectCreated:Put`; `versionId` is derived from key, mtime and size.
- The Lambda runs in-process; its idempotency markers are files (IDEMPOTENCY_DIR) because there is no local S3
  API; a failed invocation is retried after 1 s and 2 s (AWS: about 1 and 2 minutes), then written to
  `<state_dir>/lambda/<function>/dead-letters.jsonl` instead of an SQS DLQ.
- EVENT triggers have no Glue API (EventBridge drives them on AWS): the watcher starts the run in the runtime,
  recording `StartingEventBatchCondition`; `aws:eventIds` lists `bucket/key@version` ids, not EventBridge ids.
- Schedules fire only while `serve` runs, and missed fire times are not caught up (as on AWS).
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glueflow.aws import live_endpoint, local_client, remove_endpoint_file, write_endpoint_file
from glueflow.errors import GlueflowError
from glueflow.glue import TriggerState
from glueflow.local.services.scheduler import CronScheduler, ScheduledStart, scheduled_starts
from glueflow.local.services.watcher import EventTriggerConsumer, LambdaConsumer, UploadWatcher, build_consumers
from glueflow.spec.deployment import Deployment

log = logging.getLogger(__name__)
LOOPBACK = "127.0.0.1"  # the endpoint accepts any credentials, so it must never listen beyond this machine


@dataclass
class ServeSettings:
    port: int = 0
    scheduler: bool = True
    watcher: bool = True
    watch_interval: float = 0.25
    spare_idle_seconds: float = 300.0  # the background runtime keeps its warm spare as long as it lives


class LocalServices:
    """Start with `with LocalServices(deployment) as services:`; `services.url` is the Glue endpoint."""

    def __init__(self, deployment: Deployment, settings: ServeSettings | None = None) -> None:
        if deployment.env.kind != "local":
            raise GlueflowError(
                f"env '{deployment.env.name}' runs on AWS; `serve` runs the local runtime",
                hint="use --env local (AWS already has Glue's endpoint and the S3 notification)",
            )
        self.deployment = deployment
        self.settings = settings or ServeSettings()
        self.runtime: Any = None
        self.server: Any = None
        self.scheduler: CronScheduler | None = None
        self.watcher: UploadWatcher | None = None
        self.consumers: list[LambdaConsumer | EventTriggerConsumer] = []
        self.schedules: list[ScheduledStart] = []
        self._lock_fd: int | None = None

    @property
    def url(self) -> str:
        return str(self.server.url)

    def __enter__(self) -> LocalServices:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        from glueflow.local import endpoint, provision, runtime  # the embedded runtime, only when serving

        state_dir = self.deployment.state_dir
        self._claim(state_dir)
        provision.deploy(self.deployment)
        self.runtime = runtime.LocalRuntime.for_deployment(
            self.deployment, spare_idle_seconds=self.settings.spare_idle_seconds, replace_spares=True
        )
        try:
            self.server = endpoint.start_endpoint(
                self.runtime, host=LOOPBACK, port=self.settings.port, web=self._console(self.runtime)
            )
        except OSError as exc:  # the port is taken (or not ours to bind): a user error, not a traceback
            raise GlueflowError(
                f"cannot listen on {LOOPBACK}:{self.settings.port}: {exc.strerror or exc}",
                hint="another program (another `glueflow serve`?) has that port: pick another --port, or --port 0",
            ) from exc
        write_endpoint_file(state_dir, self.url)
        region = self.deployment.tfvars.environment.region
        if self.settings.scheduler:
            self.schedules = scheduled_starts(self.deployment.tfvars)
            self.scheduler = CronScheduler(local_client("glue", self.url, region), self.schedules)
            self.scheduler.start()
        if self.settings.watcher:
            self.consumers = build_consumers(self.deployment, self.url, self._start_event_run, self._event_run)
            self.watcher = UploadWatcher(state_dir, region, self.consumers, interval=self.settings.watch_interval)
            self.watcher.start()

    @property
    def console_url(self) -> str:
        return f"{self.url}/"

    def _console(self, runtime: Any) -> Any:
        """The read-only web console, reading through the runtime's Glue API (served on GET by the endpoint)."""
        from glueflow.web.app import ConsoleApp
        from glueflow.web.model import Names
        from glueflow.web.views import Console

        env = self.deployment.env
        names = Names.of(self.deployment.tfvars)
        console = Console(runtime.call, self.deployment.state_dir, names, env.pricing.pricing())
        return ConsoleApp(console, title=env.name)

    def _claim(self, state_dir: Path) -> None:
        """One serving runtime per state dir, held for its lifetime (an flock: a killed serve releases it)."""
        state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(state_dir / "serve.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            running = live_endpoint(state_dir)
            where = f" at {running.url} (pid {running.pid})" if running else ""
            raise GlueflowError(
                f"glueflow serve is already running for {state_dir}{where}",
                hint="use that one (glueflow run/status find it), or stop it first: glueflow serve --stop",
            ) from None
        self._lock_fd = fd

    def idle_seconds(self) -> float:
        """Seconds since the last API call, or 0 while a run of this runtime is going."""
        if self.runtime is None or self.runtime.store.owns_active_runs():
            return 0.0
        return time.monotonic() - float(self.runtime.last_call)

    def close(self) -> None:
        """Stop the event sources first (no new runs), then the endpoint, then the runtime."""
        for service in (self.watcher, self.scheduler):
            if service is not None:
                service.stop()
        if self.server is not None:
            remove_endpoint_file(self.deployment.state_dir)
            self.server.shutdown()
            self.server = None
        if self.runtime is not None:
            self.runtime.close()
            self.runtime = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _event_run(self, workflow: str, event_ids: str) -> str | None:
        """The run an EVENT batch already started (found by its `aws:eventIds`), e.g. just before a kill -9."""
        for run in self.runtime.store.workflow_runs(workflow)[:100]:
            if run.get("WorkflowRunProperties", {}).get("aws:eventIds") == event_ids:
                return str(run["WorkflowRunId"])
        return None

    def _start_event_run(self, workflow: str, properties: dict[str, str], batch_condition: dict[str, int]) -> str:
        """Fire an EVENT start trigger: there is no Glue API for it (EventBridge does it on AWS), so this goes to
        the runtime directly, recording the batch condition on the run."""
        trigger = next(
            p.start_trigger().name for p in self.deployment.tfvars.pipelines.values() if p.workflow_name == workflow
        )
        state = self.runtime.call("GetTrigger", {"Name": trigger})["Trigger"].get("State")
        if state != TriggerState.ACTIVATED:
            raise GlueflowError(f"trigger {trigger} is {state}; the event batch is dropped")
        return self.runtime.engine.start_workflow_run(workflow, properties, batch_condition=batch_condition)
