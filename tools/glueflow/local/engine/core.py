"""What the engine's three concerns share: its settings, Glue's run ids, the lock every state change takes, the
node threads and their slots. `WorkflowRuns`, `JobRuns` and `Crawls` each add one concern on top of `EngineCore`;
`glueflow.local.engine.Engine` is the three together."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glueflow.dag import Node
from glueflow.glue import WorkflowRunStatus
from glueflow.local.engine.records import WorkflowRunRecord
from glueflow.local.jobs import JobRunner
from glueflow.local.s3 import LocalS3
from glueflow.local.store import Store

JSON = dict[str, Any]


def new_run_id(prefix: str) -> str:
    """Glue's id format: `wr_` / `jr_` and 64 hex digits."""
    return f"{prefix}_{secrets.token_hex(32)}"


@dataclass(frozen=True)
class EngineSettings:
    root: Path
    build_dir: Path
    region: str
    job_library_zip: Path
    max_parallel: int
    seconds_per_minute: float = 60.0  # the unit of Glue timeouts; tests shorten it
    keep_warm: bool = True  # after a run with Spark jobs, keep a warm Spark spare for the next run
    jit: str = "auto"  # glueflow.settings: GLUEFLOW_JIT


class EngineCore:
    """The engine's shared state; see `glueflow.local.engine.Engine` for the whole."""

    def __init__(
        self,
        store: Store,
        s3: LocalS3,
        runner: JobRunner,
        settings: EngineSettings,
        endpoint_url: Callable[[], str],
        s3_endpoint_url: Callable[[], str] | None = None,
    ) -> None:
        self.store, self.s3, self.runner, self.settings = store, s3, runner, settings
        self._endpoint_url = endpoint_url
        self._s3_endpoint_url = s3_endpoint_url
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        # Job processes (Spark uses every core) run at most `max_parallel` at a time; crawls are light, in-process
        # work with their own, wider bound, so a crawl never queues behind Spark jobs.
        self._slots = threading.BoundedSemaphore(settings.max_parallel)
        self._crawl_slots = threading.BoundedSemaphore(max(4, settings.max_parallel))
        self._busy_slots = 0
        self._active: dict[str, int] = {}  # workflow run id → nodes not yet finished
        self._handles: dict[str, Any] = {}  # job run id / crawl id → JobProcess (or None while starting)
        self._cancelled: set[str] = set()  # crawl ids asked to stop
        self._threads: set[threading.Thread] = set()
        self.logs_dir = store.state_dir / "logs"

    def _spawn(self, target: Callable[[], None], run_id: str | None) -> None:
        if run_id is not None:
            self._active[run_id] = self._active.get(run_id, 0) + 1

        def guarded() -> None:
            try:
                target()
            finally:
                self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=guarded, daemon=True)
        self._threads.add(thread)
        thread.start()

    def _stop_handle(self, node_run_id: str) -> None:
        process = self._handles.get(node_run_id)
        if process is not None:
            threading.Thread(target=process.stop, daemon=True).start()
        else:
            self._cancelled.add(node_run_id)  # still waiting for a slot: it will not start

    def _stopping(self, run_id: str | None) -> bool:
        if run_id is None:
            return False
        body = self.store.workflow_run(run_id)
        run = WorkflowRunRecord.from_body(body) if body is not None else None
        return run is not None and run.status in (WorkflowRunStatus.STOPPING, WorkflowRunStatus.STOPPED)

    # --- what one concern asks of another (implemented by WorkflowRuns, JobRuns, Crawls) -------------------

    def _node_finished(self, run_id: str | None, node: Node, state: str) -> None:
        raise NotImplementedError

    def _prewarm_for(self, run_id: str) -> None:
        raise NotImplementedError

    def _start_job(
        self, job_name: str, run_id: str | None, trigger: str | None, arguments: dict[str, str], timeout: int | None
    ) -> str:
        raise NotImplementedError

    def _start_crawl(self, name: str, run_id: str | None, trigger: str | None) -> str:
        raise NotImplementedError
