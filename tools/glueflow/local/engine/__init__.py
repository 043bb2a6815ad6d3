"""The workflow engine: workflow runs, trigger evaluation, job runs (attempts, retries, timeouts) and crawls,
with the semantics of docs/glue-semantics.md.

It is event driven: every node runs in its own thread, and its completion evaluates the run's conditional
triggers at once (under one lock), starting their actions in new threads. There is no polling, so a hop from a
node's completion to its successor's start costs milliseconds. Independent branches run in parallel, bounded
by `max_parallel` slots (the machine's cores by default).

One concern per module: `workflow_runs` (start, stop, resume, trigger evaluation), `job_runs` (attempts, launch,
bookmarks), `crawls`; `core` holds what they share.
"""

from __future__ import annotations

from glueflow.glue import WorkflowRunStatus
from glueflow.local.engine.core import JSON, EngineCore, EngineSettings, new_run_id
from glueflow.local.engine.crawls import Crawls
from glueflow.local.engine.job_runs import BOOKMARK_ENABLE, BOOKMARK_PAUSE, JobRuns
from glueflow.local.engine.workflow_runs import WorkflowRuns

__all__ = ["BOOKMARK_ENABLE", "BOOKMARK_PAUSE", "JSON", "Engine", "EngineCore", "EngineSettings", "new_run_id"]


class Engine(WorkflowRuns, JobRuns, Crawls):
    def close(self) -> None:
        """Stop what is still running: workflow runs end STOPPED (their nodes STOPPED, no trigger fires), job
        runs started outside a workflow end STOPPED; then wait briefly for the node threads."""
        with self._lock:
            for run_id in list(self._active):
                run = self._run_record(run_id)
                if run is not None and run.status == WorkflowRunStatus.RUNNING:
                    self.stop_workflow_run(run.name, run_id)
            handles = [h for h in self._handles.values() if h is not None]
            self._cancelled.update(self._handles)
        for process in handles:
            process.stop()
        for thread in list(self._threads):
            thread.join(timeout=10)
