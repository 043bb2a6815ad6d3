"""The workflow engine: workflow runs, trigger evaluation, job runs (attempts, retries, timeouts) and crawls,
with the semantics of GLUE_SEMANTICS.md.

It is event driven: every node runs in its own thread, and its completion evaluates the run's conditional
triggers at once (under one lock), starting their actions in new threads. There is no polling, so a hop from a
node's completion to its successor's start costs milliseconds. Independent branches run in parallel, bounded
by `max_parallel` slots (the machine's cores by default).
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glueflow import cost
from glueflow.local import errors
from glueflow.local.catalog import apply_crawl_result, spark_catalog
from glueflow.local.definitions import GraphNode, action_node, condition_node, condition_state, downstream
from glueflow.local.jobs import JobLaunch, JobOutcome, JobRunner
from glueflow.local.s3 import LocalS3
from glueflow.local.store import Store

JSON = dict[str, Any]
FINAL_JOB_STATES = ("SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED")
FINAL_CRAWL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED", "ERROR")
BOOKMARK_ENABLE = "job-bookmark-enable"
BOOKMARK_PAUSE = "job-bookmark-pause"


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
    keep_warm: bool = True  # after a run with glueetl jobs, keep a warm Spark spare for the next run


class Engine:
    def __init__(
        self,
        store: Store,
        s3: LocalS3,
        runner: JobRunner,
        settings: EngineSettings,
        endpoint_url: Callable[[], str],
    ) -> None:
        self.store, self.s3, self.runner, self.settings = store, s3, runner, settings
        self._endpoint_url = endpoint_url
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

    # --- workflow runs ----------------------------------------------------------------------------------

    def _workflow(self, name: str) -> JSON:
        workflow = self.store.definition("workflow", name)
        if workflow is None:
            raise errors.not_found(f"Workflow not found: {name}")
        return workflow

    def _insert_run_within_capacity(
        self, workflow: JSON, run: JSON, snapshot: JSON, copied: JSON | None = None
    ) -> None:
        """Record a new run unless the workflow is at MaxConcurrentRuns; the check and the insert are one write
        transaction, so runtimes in other processes on the same state dir cannot overshoot the limit."""
        limit = workflow.get("MaxConcurrentRuns")
        if not self.store.insert_workflow_run(run, snapshot, copied, max_concurrent=limit):
            raise errors.concurrent_runs_exceeded(
                f"Concurrent runs exceeded for workflow: {workflow['Name']} (MaxConcurrentRuns = {limit})"
            )

    def start_workflow_run(self, name: str, properties: dict[str, str] | None = None) -> str:
        with self._lock:
            workflow = self._workflow(name)
            triggers = [t for t in self.store.definitions("trigger") if t.get("WorkflowName") == name]
            start = next((t for t in triggers if t["Type"] != "CONDITIONAL"), None)
            if start is None:
                raise errors.invalid_input(f"Workflow {name} has no start trigger")
            run_id = new_run_id("wr")
            run = {
                "Name": name,
                "WorkflowRunId": run_id,
                "WorkflowRunProperties": {**workflow.get("DefaultRunProperties", {}), **(properties or {})},
                "StartedOn": time.time(),
                "Status": "RUNNING",
            }
            self._insert_run_within_capacity(workflow, run, {"Triggers": triggers})
            self.store.add_event("WorkflowRunStarted", run_id, None, {"workflow": name})
            self._active[run_id] = 0
            self.store.mark_fired(run_id, start["Name"])
            self._fire(run_id, start)
            self._prewarm_for(run_id)
            self._finish_if_idle(run_id)
            return run_id

    def _has_glueetl_job(self, run_id: str) -> bool:
        snapshot, _, _ = self.store.workflow_run_extras(run_id)
        names = {a["JobName"] for t in snapshot["Triggers"] for a in t.get("Actions", []) if a.get("JobName")}
        jobs = (self.store.definition("job", name) for name in names)
        return any(job and job["Command"]["Name"] == "glueetl" for job in jobs)

    def _prewarm_quietly(self) -> None:
        with contextlib.suppress(Exception):  # no Java: the next job run reports it
            self.runner.prewarm(1)

    def _prewarm_for(self, run_id: str) -> None:
        """Keep one warm Spark spare while the run may still start a glueetl job it has not started yet
        (see jobs.py). A spare is not started for nothing, nor while every slot is busy: on 2 cores it would
        slow the running jobs down."""
        if self._busy_slots >= self.settings.max_parallel:
            return
        snapshot, fired, _ = self.store.workflow_run_extras(run_id)
        started = {r["JobName"] for r in self.store.job_runs_of_workflow_run(run_id)}
        for trigger in snapshot["Triggers"]:
            if trigger["Name"] in fired or trigger["Type"] != "CONDITIONAL" or trigger["State"] != "ACTIVATED":
                continue
            for action in trigger.get("Actions", []):
                name = action.get("JobName")
                job = self.store.definition("job", name) if name and name not in started else None
                if job and job["Command"]["Name"] == "glueetl":
                    # In a thread: the first call resolves Java (`java -version`), which must not hold the lock.
                    threading.Thread(target=self._prewarm_quietly, daemon=True).start()
                    return

    def _fire(self, run_id: str, trigger: JSON) -> None:
        self.store.add_event("TriggerFired", run_id, trigger["Name"], {})
        for action in trigger.get("Actions", []):
            if action.get("JobName"):
                self._start_job(
                    action["JobName"], run_id, trigger["Name"], action.get("Arguments") or {}, action.get("Timeout")
                )
            else:
                self._start_crawl(action["CrawlerName"], run_id, trigger["Name"])

    def _finish_if_idle(self, run_id: str) -> None:
        if self._active.get(run_id, 0) > 0:
            return
        run = self.store.workflow_run(run_id)
        if run is None or run["Status"] not in ("RUNNING", "STOPPING"):
            return
        run.update(Status="STOPPED" if run["Status"] == "STOPPING" else "COMPLETED", CompletedOn=time.time())
        self.store.update_workflow_run(run)
        self.store.add_event("WorkflowRunFinished", run_id, None, {"status": run["Status"]})
        self._active.pop(run_id, None)
        self._changed.notify_all()
        if self.settings.keep_warm and self._has_glueetl_job(run_id):
            # A long-lived runtime (glueflow serve) starts the next run's Spark job on a ready spare (~2 s instead
            # of ~10 s); spares retire when unused. Started after the run, so it never competes with its jobs.
            threading.Thread(target=self._prewarm_quietly, daemon=True).start()

    def _node_finished(self, run_id: str | None, node: GraphNode, state: str) -> None:
        with self._lock:
            if run_id is not None:
                self._active[run_id] = self._active.get(run_id, 1) - 1
                run = self.store.workflow_run(run_id)
                if run is not None and run["Status"] == "RUNNING":
                    self._evaluate_triggers(run_id, node, state)
                self._finish_if_idle(run_id)
            self._changed.notify_all()

    def _final_states(self, run_id: str) -> dict[GraphNode, str]:
        """The latest finished state of each node in a run (copied nodes first, so own runs win)."""
        states: dict[GraphNode, str] = {}
        for job_run in self._job_runs_in_graph(run_id):
            node = GraphNode("JOB", job_run["JobName"])
            if job_run["JobRunState"] in FINAL_JOB_STATES:
                states[node] = job_run["JobRunState"]
            else:
                states.pop(node, None)
        for crawl in self._crawls_in_graph(run_id):
            node = GraphNode("CRAWLER", crawl["CrawlerName"])
            if crawl["State"] in FINAL_CRAWL_STATES:
                states[node] = crawl["State"]
            else:
                states.pop(node, None)
        return states

    def _job_runs_in_graph(self, run_id: str) -> list[JSON]:
        _, _, copied = self.store.workflow_run_extras(run_id)
        copies = [r for r in (self.store.job_run(i) for i in copied.get("JobRuns", [])) if r]
        return copies + self.store.job_runs_of_workflow_run(run_id)

    def _crawls_in_graph(self, run_id: str) -> list[JSON]:
        _, _, copied = self.store.workflow_run_extras(run_id)
        copies = [c for c in (self.store.crawl(i) for i in copied.get("Crawls", [])) if c]
        return copies + self.store.crawls_of_workflow_run(run_id)

    def _evaluate_triggers(self, run_id: str, node: GraphNode, state: str) -> None:
        """Fire each ACTIVATED conditional trigger of this run that watches `node` and is now satisfied."""
        snapshot, fired, _ = self.store.workflow_run_extras(run_id)
        states: dict[GraphNode, str] | None = None
        for trigger in snapshot["Triggers"]:
            if trigger["Type"] != "CONDITIONAL" or trigger["State"] != "ACTIVATED" or trigger["Name"] in fired:
                continue
            conditions = (trigger.get("Predicate") or {}).get("Conditions", [])
            if node not in {condition_node(c) for c in conditions}:
                continue
            if (trigger.get("Predicate") or {}).get("Logical") == "ANY":
                fires = any(condition_node(c) == node and condition_state(c) == state for c in conditions)
            else:
                states = states if states is not None else self._final_states(run_id)
                fires = all(states.get(condition_node(c)) == condition_state(c) for c in conditions)
            if fires and self.store.mark_fired(run_id, trigger["Name"]):
                self._fire(run_id, trigger)

    def stop_workflow_run(self, name: str, run_id: str) -> None:
        with self._lock:
            run = self._run_of(name, run_id)
            if run["Status"] != "RUNNING":
                raise errors.illegal_workflow_state(f"Workflow run {run_id} is {run['Status']}, not RUNNING")
            run["Status"] = "STOPPING"
            self.store.update_workflow_run(run)
            self.store.add_event("WorkflowRunStopping", run_id, None, {})
            for job_run in self.store.job_runs_of_workflow_run(run_id):
                if job_run["JobRunState"] in ("STARTING", "RUNNING", "WAITING"):
                    self._stop_handle(job_run["Id"])
            for crawl in self.store.crawls_of_workflow_run(run_id):
                if crawl["State"] == "RUNNING":
                    self._cancelled.add(crawl["CrawlId"])
            self._finish_if_idle(run_id)

    def _stop_handle(self, node_run_id: str) -> None:
        process = self._handles.get(node_run_id)
        if process is not None:
            threading.Thread(target=process.stop, daemon=True).start()
        else:
            self._cancelled.add(node_run_id)  # still waiting for a slot: it will not start

    def _run_of(self, name: str, run_id: str) -> JSON:
        self._workflow(name)
        run = self.store.workflow_run(run_id)
        if run is None or run["Name"] != name:
            raise errors.not_found(f"Workflow run not found: {name}/{run_id}")
        return run

    def _stopping(self, run_id: str | None) -> bool:
        if run_id is None:
            return False
        run = self.store.workflow_run(run_id)
        return run is not None and run["Status"] in ("STOPPING", "STOPPED")

    def put_run_properties(self, name: str, run_id: str, properties: dict[str, str]) -> None:
        with self._lock:
            run = self._run_of(name, run_id)
            run["WorkflowRunProperties"] = {**run.get("WorkflowRunProperties", {}), **properties}
            self.store.update_workflow_run(run)

    def resume_workflow_run(self, name: str, run_id: str, node_ids: list[str]) -> tuple[str, list[str]]:
        """A new run of a COMPLETED run: re-run `node_ids` and everything downstream; copy the rest."""
        with self._lock:
            workflow = self._workflow(name)
            previous = self._run_of(name, run_id)
            if previous["Status"] != "COMPLETED":
                raise errors.illegal_workflow_state(
                    f"Only a COMPLETED workflow run can be resumed; run {run_id} is {previous['Status']}"
                )
            snapshot, fired, _ = self.store.workflow_run_extras(run_id)
            triggers = snapshot["Triggers"]
            job_runs, crawls = self._job_runs_in_graph(run_id), self._crawls_in_graph(run_id)
            ran = {GraphNode("JOB", r["JobName"]) for r in job_runs} | {
                GraphNode("CRAWLER", c["CrawlerName"]) for c in crawls
            }
            by_id = {n.id: n for n in ran}
            named: list[GraphNode] = []
            for node_id in node_ids:
                if node_id not in by_id:
                    raise errors.invalid_input(
                        f"Node {node_id} is not a job or crawler node with a run attempt in workflow run {run_id}"
                    )
                named.append(by_id[node_id])
            rerun = downstream(triggers, set(named))
            roots = [n for n in named if not any(n in downstream(triggers, {o}) for o in named if o != n)]
            new_id = new_run_id("wr")
            copied = {
                "JobRuns": [r["Id"] for r in job_runs if GraphNode("JOB", r["JobName"]) not in rerun],
                "Crawls": [c["CrawlId"] for c in crawls if GraphNode("CRAWLER", c["CrawlerName"]) not in rerun],
            }
            run = {
                "Name": name,
                "WorkflowRunId": new_id,
                "PreviousRunId": run_id,
                "WorkflowRunProperties": dict(previous.get("WorkflowRunProperties", {})),
                "StartedOn": time.time(),
                "Status": "RUNNING",
            }
            self._insert_run_within_capacity(workflow, run, snapshot, copied)
            self.store.add_event("WorkflowRunResumed", new_id, None, {"previous": run_id, "nodes": node_ids})
            self._active[new_id] = 0
            for trigger in triggers:  # triggers that only start copied nodes stay fired
                targets = {action_node(a) for a in trigger.get("Actions", [])}
                if trigger["Name"] in fired and not targets & rerun:
                    self.store.mark_fired(new_id, trigger["Name"])
            for node in roots:
                trigger, action = self._starting_action(triggers, node, job_runs, crawls)
                if node.type == "JOB":
                    self._start_job(node.name, new_id, trigger, action.get("Arguments") or {}, action.get("Timeout"))
                else:
                    self._start_crawl(node.name, new_id, trigger)
            self._finish_if_idle(new_id)
            return new_id, [n.id for n in roots]

    @staticmethod
    def _starting_action(
        triggers: list[JSON], node: GraphNode, job_runs: list[JSON], crawls: list[JSON]
    ) -> tuple[str | None, JSON]:
        """The trigger and action that started `node` in the previous run (its arguments are reused)."""
        if node.type == "JOB":
            names = [r.get("TriggerName") for r in job_runs if r["JobName"] == node.name]
        else:
            names = [c.get("_TriggerName") for c in crawls if c["CrawlerName"] == node.name]
        for trigger in triggers:
            if trigger["Name"] in names:
                for action in trigger.get("Actions", []):
                    if action_node(action) == node:
                        return trigger["Name"], action
        return (names[-1] if names else None), {}

    def wait_for_workflow_run(self, run_id: str, timeout: float) -> JSON:
        """Block until a run leaves RUNNING/STOPPING (for tests and benchmarks; clients poll GetWorkflowRun)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                run = self.store.workflow_run(run_id)
                if run is None or run["Status"] not in ("RUNNING", "STOPPING"):
                    return run or {}
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"workflow run {run_id} still {run['Status']} after {timeout}s")
                self._changed.wait(min(remaining, 1.0))

    def wait_for_job_run(self, job_run_id: str, timeout: float) -> JSON:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                run = self.store.job_run(job_run_id) or {}
                if run.get("JobRunState") in FINAL_JOB_STATES and not self._has_next_attempt(run):
                    return run
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"job run {job_run_id} not finished after {timeout}s")
                self._changed.wait(min(remaining, 1.0))

    def _has_next_attempt(self, run: JSON) -> bool:
        return any(r.get("PreviousRunId") == run["Id"] for r in self.store.job_runs(run["JobName"]))

    # --- jobs -------------------------------------------------------------------------------------------

    def start_job_run(self, job_name: str, arguments: dict[str, str], timeout: int | None) -> str:
        """StartJobRun from outside a workflow: no workflow trigger watches it."""
        with self._lock:
            job = self.store.definition("job", job_name)
            if job is None:
                raise errors.not_found(f"Job not found: {job_name}")
            return self._start_job(job_name, None, None, arguments, timeout)

    def _start_job(
        self, job_name: str, run_id: str | None, trigger: str | None, arguments: dict[str, str], timeout: int | None
    ) -> str:
        """Record a new job run (attempt 0) and start its thread; a missing job is an ERROR run."""
        job = self.store.definition("job", job_name)
        recorded = dict(arguments)
        if run_id is not None:
            workflow = self.store.workflow_run(run_id) or {}
            recorded.update({"--WORKFLOW_NAME": workflow.get("Name", ""), "--WORKFLOW_RUN_ID": run_id})
        now = time.time()
        job_run: JSON = {
            "Id": new_run_id("jr"),
            "Attempt": 0,
            "JobName": job_name,
            "StartedOn": now,
            "LastModifiedOn": now,
            "JobRunState": "STARTING",
            "Arguments": recorded,
            "ExecutionTime": 0,
            "LogGroupName": str(self.logs_dir / "jobs"),
            "_WorkflowRunId": run_id,
        }
        if trigger:
            job_run["TriggerName"] = trigger
        if job is None:
            job_run.update(JobRunState="ERROR", CompletedOn=now, ErrorMessage=f"Entity not found: job {job_name}")
            self.store.put_job_run(job_run)
            self.store.add_event("JobRunFinished", run_id, job_name, {"state": "ERROR"})
            return str(job_run["Id"])
        job_run.update(
            Timeout=int(timeout or job.get("Timeout") or 2880),
            GlueVersion=job.get("GlueVersion"),
            **{k: job[k] for k in ("WorkerType", "NumberOfWorkers", "MaxCapacity") if k in job},
        )
        limit = job.get("ExecutionProperty", {}).get("MaxConcurrentRuns", 1)
        if not self.store.insert_job_run_within(job_run, limit):  # atomic across runtimes on one state dir
            if run_id is None:  # StartJobRun raises; a trigger's start records a FAILED run (see README)
                raise errors.concurrent_runs_exceeded(
                    f"Concurrent runs exceeded for job {job_name} (ExecutionProperty.MaxConcurrentRuns = {limit})"
                )
            job_run.update(
                JobRunState="FAILED",
                CompletedOn=now,
                ErrorMessage=f"ConcurrentRunsExceededException: Concurrent runs exceeded for {job_name}",
            )
            self.store.put_job_run(job_run)
            self._spawn(lambda: self._node_finished(run_id, GraphNode("JOB", job_name), "FAILED"), run_id)
            return str(job_run["Id"])
        self._spawn(lambda: self._run_job(job, job_run, arguments), run_id)
        return str(job_run["Id"])

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

    def _run_job(self, job: JSON, job_run: JSON, action_arguments: dict[str, str]) -> None:
        run_id = job_run.get("_WorkflowRunId")
        if not self._slots.acquire(blocking=False):
            with self._lock:  # every slot is busy: the run waits, visibly (JobRunState WAITING)
                job_run.update(JobRunState="WAITING", LastModifiedOn=time.time())
                self.store.put_job_run(job_run)
            self._slots.acquire()
        self._busy_slots += 1
        try:
            while True:
                outcome = self._attempt(job, job_run, action_arguments)
                self._finish_attempt(job, job_run, outcome)
                if (
                    outcome.state != "FAILED"
                    or job_run["Attempt"] >= job.get("MaxRetries", 0)
                    or self._stopping(run_id)
                ):
                    break
                job_run = self._next_attempt(job_run)
        finally:
            self._busy_slots -= 1
            self._slots.release()
        self._node_finished(run_id, GraphNode("JOB", job["Name"]), job_run["JobRunState"])

    def _next_attempt(self, previous: JSON) -> JSON:
        now = time.time()
        job_run = {
            **{k: v for k, v in previous.items() if k not in ("CompletedOn", "ErrorMessage")},
            "Id": new_run_id("jr"),
            "Attempt": previous["Attempt"] + 1,
            "PreviousRunId": previous["Id"],
            "StartedOn": now,
            "LastModifiedOn": now,
            "JobRunState": "STARTING",
            "ExecutionTime": 0,
        }
        self.store.put_job_run(job_run)
        self.store.add_event(
            "JobRunRetried", job_run.get("_WorkflowRunId"), job_run["JobName"], {"attempt": job_run["Attempt"]}
        )
        return job_run

    def _attempt(self, job: JSON, job_run: JSON, action_arguments: dict[str, str]) -> JobOutcome:
        run_id = job_run.get("_WorkflowRunId")
        if self._stopping(run_id) or job_run["Id"] in self._cancelled:
            return JobOutcome("STOPPED", "Job run was stopped before it started.")
        try:
            launch = self._launch(job, job_run, action_arguments)
            with self._lock:
                job_run.update(JobRunState="RUNNING", LastModifiedOn=time.time(), _RunningOn=time.time())
                self.store.put_job_run(job_run)
                self.store.add_event(
                    "JobRunStarted", run_id, job["Name"], {"id": job_run["Id"], "attempt": job_run["Attempt"]}
                )
            process = self.runner.start(launch)  # outside the lock: spawning must not delay other nodes' hops
            with self._lock:
                self._handles[job_run["Id"]] = process
                if self._stopping(run_id) or job_run["Id"] in self._cancelled:
                    threading.Thread(target=process.stop, daemon=True).start()
            if job["Command"]["Name"] == "glueetl" and run_id is not None:
                self._prewarm_for(run_id)
            return process.wait(launch)
        except Exception as exc:  # the runtime could not start the job (no Java, missing script, ...)
            log_path = self.logs_dir / "jobs" / f"{job_run['Id']}.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("a", encoding="utf-8") as log:
                log.write(f"glueflow: the job run could not start\n{traceback.format_exc()}")
            return JobOutcome("FAILED", f"{type(exc).__name__}: {exc}")
        finally:
            self._handles.pop(job_run["Id"], None)

    def _finish_attempt(self, job: JSON, job_run: JSON, outcome: JobOutcome) -> None:
        now = time.time()
        with self._lock:
            job_run.update(
                JobRunState=outcome.state,
                CompletedOn=now,
                LastModifiedOn=now,
                ExecutionTime=round(now - job_run.get("_RunningOn", job_run["StartedOn"])),  # time it ran
            )
            if outcome.error_message:
                job_run["ErrorMessage"] = outcome.error_message
            if cost.capacity(job_run):  # ExecutionTime × workers × DPU of the worker type (or MaxCapacity)
                job_run["DPUSeconds"] = cost.dpu_seconds(job_run)
            with self.store.transaction():
                self.store.put_job_run(job_run)
                if outcome.state == "SUCCEEDED":
                    self._commit_bookmark(job, job_run)
                self.store.add_event(
                    "JobRunFinished",
                    job_run.get("_WorkflowRunId"),
                    job["Name"],
                    {"id": job_run["Id"], "state": outcome.state},
                )
            self._changed.notify_all()

    def resolved_arguments(self, job: JSON, job_run: JSON, action_arguments: dict[str, str]) -> dict[str, str]:
        """defaults ← action/StartJobRun arguments ← workflow and run ids; non-overridable arguments win."""
        arguments = {**job.get("DefaultArguments", {}), **action_arguments}
        for key in ("--WORKFLOW_NAME", "--WORKFLOW_RUN_ID"):
            if key in job_run["Arguments"]:
                arguments[key] = job_run["Arguments"][key]
        arguments["--JOB_RUN_ID"] = job_run["Id"]
        arguments.update(job.get("NonOverridableArguments", {}))
        return arguments

    def _run_dir(self, job_run_id: str) -> Path:
        return self.store.state_dir / "runs" / job_run_id

    def _launch(self, job: JSON, job_run: JSON, action_arguments: dict[str, str]) -> JobLaunch:
        arguments = self.resolved_arguments(job, job_run, action_arguments)
        local = self.s3.translate_arguments(arguments)
        argv = ["--JOB_NAME", job["Name"]]
        for key, value in local.items():
            argv += [key, value]
        run_dir = self._run_dir(job_run["Id"])
        run_dir.mkdir(parents=True, exist_ok=True)
        option = arguments.get("--job-bookmark-option", "job-bookmark-disable")
        bookmark_in: str | None = None
        committed = self.store.bookmark(job["Name"])
        if option in (BOOKMARK_ENABLE, BOOKMARK_PAUSE) and committed and committed.get("JobBookmark"):
            path = run_dir / "bookmark-in.json"
            path.write_text(committed["JobBookmark"], encoding="utf-8")
            bookmark_in = str(path)
        python_path = [p for p in local.get("--extra-py-files", "").split(",") if p and Path(p).exists()]
        python_path.append(str(self.settings.job_library_zip))
        env: dict[str, str | None] = {
            "GLUEFLOW_LOCAL": "1",
            "GLUEFLOW_BOOKMARK_IN": bookmark_in,
            "GLUEFLOW_BOOKMARK_OUT": str(run_dir / "bookmark-out.json"),
            "AWS_ENDPOINT_URL_GLUE": self._endpoint_url(),
            "GLUEFLOW_S3_ROOT": str(self.s3.root),  # s3:// paths in Spark read and write these folders
            "AWS_ACCESS_KEY_ID": "glueflow-local",
            "AWS_SECRET_ACCESS_KEY": "glueflow-local",
            "AWS_DEFAULT_REGION": self.settings.region,
            "AWS_REGION": self.settings.region,
            # A profile would take precedence over the dummy keys and could point boto3 at a real account.
            "AWS_PROFILE": None,
            "AWS_DEFAULT_PROFILE": None,
            "AWS_SESSION_TOKEN": None,
        }
        is_etl = job["Command"]["Name"] == "glueetl"
        return JobLaunch(
            job_run_id=job_run["Id"],
            kind=job["Command"]["Name"],
            script=self._script_of(job),
            argv=argv,
            env=env,  # type: ignore[arg-type]
            python_path=python_path,
            run_dir=run_dir,
            log_path=self.logs_dir / "jobs" / f"{job_run['Id']}.log",
            timeout_seconds=job_run["Timeout"] * self.settings.seconds_per_minute,
            catalog=spark_catalog(self.store, self.s3) if is_etl else {},
            app_name=job["Name"],
        )

    def _script_of(self, job: JSON) -> Path:
        """The deployed copy in the scripts bucket (as Glue runs it), else the rendered script in build/."""
        deployed = Path(self.s3.local_path(job["Command"]["ScriptLocation"]))
        if deployed.is_file():
            return deployed
        rendered = self.settings.root / job["_script_path"]
        if rendered.is_file():
            return rendered
        raise FileNotFoundError(
            f"script of job {job['Name']} not found at {deployed} or {rendered}; run glueflow deploy"
        )

    def _commit_bookmark(self, job: JSON, job_run: JSON) -> None:
        arguments = {
            **job.get("DefaultArguments", {}),
            **job_run.get("Arguments", {}),
            **job.get("NonOverridableArguments", {}),
        }
        if arguments.get("--job-bookmark-option") != BOOKMARK_ENABLE:
            return
        out = self._run_dir(job_run["Id"]) / "bookmark-out.json"
        if not out.is_file():
            return
        previous = self.store.bookmark(job["Name"]) or {}
        self.store.put_bookmark(
            {
                "JobName": job["Name"],
                "Version": previous.get("Version", 0) + 1,
                "Run": previous.get("Run", 0) + 1,
                "Attempt": job_run["Attempt"],
                "RunId": job_run["Id"],
                "PreviousRunId": previous.get("RunId", ""),
                "JobBookmark": out.read_text(encoding="utf-8"),
            }
        )

    # --- crawls -----------------------------------------------------------------------------------------

    def crawler_running(self, name: str) -> bool:
        return any(c["State"] == "RUNNING" for c in self.store.crawls(name)[:5])

    def start_crawler(self, name: str) -> str:
        with self._lock:
            if self.store.definition("crawler", name) is None:
                raise errors.not_found(f"Crawler entry with name {name} does not exist")
            if self.crawler_running(name):
                raise errors.GlueApiError("CrawlerRunningException", f"Crawler with name {name} has already started")
            return self._start_crawl(name, None, None)

    def _start_crawl(self, name: str, run_id: str | None, trigger: str | None) -> str:
        crawler = self.store.definition("crawler", name)
        crawl_id = str(uuid.uuid4())
        log_dir = self.logs_dir / "crawlers"
        crawl: JSON = {
            "CrawlId": crawl_id,
            "CrawlerName": name,
            "WorkflowRunId": run_id,
            "State": "RUNNING",
            "StartedOn": time.time(),
            "LogGroup": str(log_dir),
            "LogStream": f"{crawl_id}.log",
            "_TriggerName": trigger,
        }
        if crawler is None or self.crawler_running(name):
            reason = f"Entity not found: crawler {name}" if crawler is None else f"Crawler {name} is already running"
            crawl.update(State="ERROR" if crawler is None else "FAILED", CompletedOn=time.time(), ErrorMessage=reason)
            self.store.put_crawl(crawl)
            if crawler is not None:
                self._spawn(lambda: self._node_finished(run_id, GraphNode("CRAWLER", name), "FAILED"), run_id)
            return crawl_id
        self.store.put_crawl(crawl)
        self.store.add_event("CrawlStarted", run_id, name, {"id": crawl_id})
        self._spawn(lambda: self._run_crawl(crawler, crawl), run_id)
        return crawl_id

    def _run_crawl(self, crawler: JSON, crawl: JSON) -> None:
        run_id = crawl.get("WorkflowRunId")
        log_path = Path(crawl["LogGroup"]) / crawl["LogStream"]
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._crawl_slots, log_path.open("a", encoding="utf-8") as log:
            state, message, counts = self._crawl(crawler, crawl, log)
        now = time.time()
        with self._lock:
            crawl.update(State=state, CompletedOn=now)
            crawl.update(TablesCreated=counts[0], TablesUpdated=counts[1], TablesDeleted=counts[2])
            if message:
                crawl["ErrorMessage"] = message
            self.store.put_crawl(crawl)
            self.store.add_event("CrawlFinished", run_id, crawler["Name"], {"id": crawl["CrawlId"], "state": state})
        self._node_finished(run_id, GraphNode("CRAWLER", crawler["Name"]), state)

    def _crawl(self, crawler: JSON, crawl: JSON, log: Any) -> tuple[str, str | None, tuple[int, int, int]]:
        if self._stopping(crawl.get("WorkflowRunId")) or crawl["CrawlId"] in self._cancelled:
            return "CANCELLED", "Crawl was stopped before it started.", (0, 0, 0)
        try:
            from glueflow.local.crawler import CrawlTarget
            from glueflow.local.crawler import crawl as run_crawler

            database = crawler["DatabaseName"]
            targets = [
                CrawlTarget(
                    local_path=Path(self.s3.local_path(t["Path"])),
                    s3_path=t["Path"],
                    exclusions=t.get("Exclusions", []),
                )
                for t in crawler["Targets"]["S3Targets"]
            ]
            existing = {t["Name"]: t for t in self.store.tables(database)}
            policy = crawler["SchemaChangePolicy"]
            result = run_crawler(
                targets,
                database=database,
                table_prefix=crawler.get("TablePrefix", ""),
                existing=existing,
                update_behavior=policy["UpdateBehavior"],
                delete_behavior=policy["DeleteBehavior"],
                crawler_name=crawler["Name"],
            )
            for message in result.messages:
                log.write(message + "\n")
            if crawl["CrawlId"] in self._cancelled or self._stopping(crawl.get("WorkflowRunId")):
                log.write("Crawl cancelled: its results were not written to the catalog.\n")
                return "CANCELLED", None, (0, 0, 0)
            counts = apply_crawl_result(self.store, database, result)
            log.write(f"Catalog updated: {counts[0]} created, {counts[1]} updated, {counts[2]} deleted.\n")
            return "SUCCEEDED", None, counts
        except Exception as exc:
            log.write(traceback.format_exc())
            return "FAILED", f"{type(exc).__name__}: {exc}", (0, 0, 0)

    def close(self) -> None:
        """Stop what is still running: workflow runs end STOPPED (their nodes STOPPED, no trigger fires), job
        runs started outside a workflow end STOPPED; then wait briefly for the node threads."""
        with self._lock:
            for run_id in list(self._active):
                run = self.store.workflow_run(run_id)
                if run is not None and run["Status"] == "RUNNING":
                    self.stop_workflow_run(run["Name"], run_id)
            handles = [h for h in self._handles.values() if h is not None]
            self._cancelled.update(self._handles)
        for process in handles:
            process.stop()
        for thread in list(self._threads):
            thread.join(timeout=10)
