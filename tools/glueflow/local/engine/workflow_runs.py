"""Workflow runs: start, stop, resume, run properties, and trigger evaluation (docs/glue-semantics.md).

A run snapshots its workflow's triggers when it starts. Each finished node evaluates the ACTIVATED conditional
triggers that watch it, at once and under the engine's lock, so a hop from a node's end to its successor's start
costs milliseconds; ANY fires on the first matching condition, AND when every watched node's latest state in the
run matches.
"""

from __future__ import annotations

import contextlib
import threading
import time

from glueflow.dag import Node, WorkflowGraph, action_node, condition_node, condition_state
from glueflow.glue import (
    ACTIVE_WORKFLOW_RUN_STATUSES,
    FINAL_CRAWL_STATES,
    FINAL_JOB_RUN_STATES,
    CrawlState,
    JobRunState,
    Logical,
    NodeType,
    TriggerState,
    TriggerType,
    WorkflowRunStatus,
    job_kind,
)
from glueflow.local import errors
from glueflow.local.engine.core import JSON, EngineCore, new_run_id
from glueflow.local.engine.records import (
    CrawlRecord,
    JobRunRecord,
    WorkflowRunRecord,
    crawls_in_graph,
    job_runs_in_graph,
)


def _armed(trigger: JSON, fired: list[str]) -> bool:
    """A conditional trigger of the run that can still fire: ACTIVATED and not fired yet in this run."""
    return (
        trigger["Type"] == TriggerType.CONDITIONAL
        and trigger["State"] == TriggerState.ACTIVATED
        and trigger["Name"] not in fired
    )


class WorkflowRuns(EngineCore):
    def _workflow(self, name: str) -> JSON:
        workflow = self.store.definition("workflow", name)
        if workflow is None:
            raise errors.not_found(f"Workflow not found: {name}")
        return workflow

    def _insert_run_within_capacity(
        self, workflow: JSON, run: WorkflowRunRecord, snapshot: JSON, copied: JSON | None = None
    ) -> None:
        """Record a new run unless the workflow is at MaxConcurrentRuns; the check and the insert are one write
        transaction, so runtimes in other processes on the same state dir cannot overshoot the limit."""
        limit = workflow.get("MaxConcurrentRuns")
        if not self.store.insert_workflow_run(run.to_body(), snapshot, copied, max_concurrent=limit):
            raise errors.concurrent_runs_exceeded(
                f"Concurrent runs exceeded for workflow: {workflow['Name']} (MaxConcurrentRuns = {limit})"
            )

    def start_workflow_run(
        self, name: str, properties: dict[str, str] | None = None, batch_condition: dict[str, int] | None = None
    ) -> str:
        """`batch_condition`: the EventBatchingCondition that fired an EVENT start trigger (the run's
        StartingEventBatchCondition)."""
        with self._lock:
            workflow = self._workflow(name)
            triggers = [t for t in self.store.definitions("trigger") if t.get("WorkflowName") == name]
            start = next((t for t in triggers if t["Type"] != TriggerType.CONDITIONAL), None)
            if start is None:
                raise errors.invalid_input(f"Workflow {name} has no start trigger")
            run_id = new_run_id("wr")
            run = WorkflowRunRecord(
                name=name,
                workflow_run_id=run_id,
                status=WorkflowRunStatus.RUNNING,
                properties={**workflow.get("DefaultRunProperties", {}), **(properties or {})},
                started_on=time.time(),
                starting_event_batch_condition=batch_condition,
            )
            self._insert_run_within_capacity(workflow, run, {"Triggers": triggers})
            self.store.add_event("WorkflowRunStarted", run_id, None, {"workflow": name})
            self._active[run_id] = 0
            self.store.mark_fired(run_id, start["Name"])
            self._fire(run_id, start)
            self._prewarm_for(run_id)
            self._finish_if_idle(run_id)
            return run_id

    def _has_spark_job(self, run_id: str) -> bool:
        snapshot, _, _ = self.store.workflow_run_extras(run_id)
        names = {a["JobName"] for t in snapshot["Triggers"] for a in t.get("Actions", []) if a.get("JobName")}
        jobs = (self.store.definition("job", name) for name in names)
        return any(job and job_kind(job["Command"]["Name"]).spark for job in jobs)

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
        started = {JobRunRecord.from_body(r).job_name for r in self.store.job_runs_of_workflow_run(run_id)}
        for trigger in snapshot["Triggers"]:
            if not _armed(trigger, fired):
                continue
            for action in trigger.get("Actions", []):
                name = action.get("JobName")
                job = self.store.definition("job", name) if name and name not in started else None
                if job and job_kind(job["Command"]["Name"]).spark:
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
        run = self._run_record(run_id)
        if run is None or run.status not in ACTIVE_WORKFLOW_RUN_STATUSES:
            return
        stopping = run.status == WorkflowRunStatus.STOPPING
        run.status = WorkflowRunStatus.STOPPED if stopping else WorkflowRunStatus.COMPLETED
        run.completed_on = time.time()
        self.store.update_workflow_run(run.to_body())
        self.store.add_event("WorkflowRunFinished", run_id, None, {"status": run.status})
        self._active.pop(run_id, None)
        self._changed.notify_all()
        if self.settings.keep_warm and self._has_spark_job(run_id):
            # A long-lived runtime (glueflow serve) starts the next run's Spark job on a ready spare (~2 s instead
            # of ~10 s); spares retire when unused. Started after the run, so it never competes with its jobs.
            threading.Thread(target=self._prewarm_quietly, daemon=True).start()

    def _node_finished(self, run_id: str | None, node: Node, state: str) -> None:
        with self._lock:
            if run_id is not None:
                self._active[run_id] = self._active.get(run_id, 1) - 1
                run = self._run_record(run_id)
                if run is not None and run.status == WorkflowRunStatus.RUNNING:
                    self._evaluate_triggers(run_id, node, state)
                self._finish_if_idle(run_id)
            self._changed.notify_all()

    def _final_states(self, run_id: str) -> dict[Node, str]:
        """The latest finished state of each node in a run (copied nodes first, so own runs win)."""
        states: dict[Node, str] = {}
        for job_run in self._job_runs_in_graph(run_id):
            node = Node(NodeType.JOB, job_run.job_name)
            if job_run.state in FINAL_JOB_RUN_STATES:
                states[node] = job_run.state
            else:
                states.pop(node, None)
        for crawl in self._crawls_in_graph(run_id):
            node = Node(NodeType.CRAWLER, crawl.crawler_name)
            if crawl.state in FINAL_CRAWL_STATES:
                states[node] = crawl.state
            else:
                states.pop(node, None)
        return states

    def _run_record(self, run_id: str) -> WorkflowRunRecord | None:
        body = self.store.workflow_run(run_id)
        return WorkflowRunRecord.from_body(body) if body is not None else None

    def _job_runs_in_graph(self, run_id: str) -> list[JobRunRecord]:
        return job_runs_in_graph(self.store, run_id)

    def _crawls_in_graph(self, run_id: str) -> list[CrawlRecord]:
        return crawls_in_graph(self.store, run_id)

    def _evaluate_triggers(self, run_id: str, node: Node, state: str) -> None:
        """Fire each ACTIVATED conditional trigger of this run that watches `node` and is now satisfied."""
        snapshot, fired, _ = self.store.workflow_run_extras(run_id)
        states: dict[Node, str] | None = None
        for trigger in snapshot["Triggers"]:
            if not _armed(trigger, fired):
                continue
            conditions = (trigger.get("Predicate") or {}).get("Conditions", [])
            if node not in {condition_node(c) for c in conditions}:
                continue
            if (trigger.get("Predicate") or {}).get("Logical") == Logical.ANY:
                fires = any(condition_node(c) == node and condition_state(c) == state for c in conditions)
            else:
                states = states if states is not None else self._final_states(run_id)
                fires = all(states.get(condition_node(c)) == condition_state(c) for c in conditions)
            if fires and self.store.mark_fired(run_id, trigger["Name"]):
                self._fire(run_id, trigger)

    def stop_workflow_run(self, name: str, run_id: str) -> None:
        with self._lock:
            run = self.workflow_run(name, run_id)
            if run.status != WorkflowRunStatus.RUNNING:
                raise errors.illegal_workflow_state(f"Workflow run {run_id} is {run.status}, not RUNNING")
            run.status = WorkflowRunStatus.STOPPING
            self.store.update_workflow_run(run.to_body())
            self.store.add_event("WorkflowRunStopping", run_id, None, {})
            for job_run in map(JobRunRecord.from_body, self.store.job_runs_of_workflow_run(run_id)):
                if job_run.state in (JobRunState.STARTING, JobRunState.RUNNING, JobRunState.WAITING):
                    self._stop_handle(job_run.id)
            for crawl in map(CrawlRecord.from_body, self.store.crawls_of_workflow_run(run_id)):
                if crawl.state == CrawlState.RUNNING:
                    self._cancelled.add(crawl.crawl_id)
            self._finish_if_idle(run_id)

    def workflow_run(self, name: str, run_id: str) -> WorkflowRunRecord:
        """The run `run_id` of workflow `name` (EntityNotFoundException if either is unknown)."""
        self._workflow(name)
        run = self._run_record(run_id)
        if run is None or run.name != name:
            raise errors.not_found(f"Workflow run not found: {name}/{run_id}")
        return run

    def put_run_properties(self, name: str, run_id: str, properties: dict[str, str]) -> None:
        with self._lock:
            run = self.workflow_run(name, run_id)
            run.properties = {**run.properties, **properties}
            self.store.update_workflow_run(run.to_body())

    def resume_workflow_run(self, name: str, run_id: str, node_ids: list[str]) -> tuple[str, list[str]]:
        """A new run of a COMPLETED run: re-run `node_ids` and everything downstream; copy the rest."""
        with self._lock:
            workflow = self._workflow(name)
            previous = self.workflow_run(name, run_id)
            if previous.status != WorkflowRunStatus.COMPLETED:
                raise errors.illegal_workflow_state(
                    f"Only a COMPLETED workflow run can be resumed; run {run_id} is {previous.status}"
                )
            snapshot, fired, _ = self.store.workflow_run_extras(run_id)
            triggers = snapshot["Triggers"]
            job_runs, crawls = self._job_runs_in_graph(run_id), self._crawls_in_graph(run_id)
            ran = {Node(NodeType.JOB, r.job_name) for r in job_runs} | {
                Node(NodeType.CRAWLER, c.crawler_name) for c in crawls
            }
            by_id = {n.id: n for n in ran}
            named: list[Node] = []
            for node_id in node_ids:
                if node_id not in by_id:
                    raise errors.invalid_input(
                        f"Node {node_id} is not a job or crawler node with a run attempt in workflow run {run_id}"
                    )
                named.append(by_id[node_id])
            graph = WorkflowGraph.from_triggers(triggers)
            rerun = graph.downstream(named)
            roots = [n for n in named if not any(n in graph.downstream([o]) for o in named if o != n)]
            new_id = new_run_id("wr")
            copied = {
                "JobRuns": [r.id for r in job_runs if Node(NodeType.JOB, r.job_name) not in rerun],
                "Crawls": [c.crawl_id for c in crawls if Node(NodeType.CRAWLER, c.crawler_name) not in rerun],
            }
            run = WorkflowRunRecord(
                name=name,
                workflow_run_id=new_id,
                status=WorkflowRunStatus.RUNNING,
                previous_run_id=run_id,
                properties=dict(previous.properties),
                started_on=time.time(),
            )
            self._insert_run_within_capacity(workflow, run, snapshot, copied)
            self.store.add_event("WorkflowRunResumed", new_id, None, {"previous": run_id, "nodes": node_ids})
            self._active[new_id] = 0
            for trigger in triggers:  # triggers that only start copied nodes stay fired
                targets = {action_node(a) for a in trigger.get("Actions", [])}
                if trigger["Name"] in fired and not targets & rerun:
                    self.store.mark_fired(new_id, trigger["Name"])
            for node in roots:
                trigger, action = self._starting_action(triggers, node, job_runs, crawls)
                if node.type == NodeType.JOB:
                    self._start_job(node.name, new_id, trigger, action.get("Arguments") or {}, action.get("Timeout"))
                else:
                    self._start_crawl(node.name, new_id, trigger)
            self._finish_if_idle(new_id)
            return new_id, [n.id for n in roots]

    @staticmethod
    def _starting_action(
        triggers: list[JSON], node: Node, job_runs: list[JobRunRecord], crawls: list[CrawlRecord]
    ) -> tuple[str | None, JSON]:
        """The trigger and action that started `node` in the previous run (its arguments are reused)."""
        if node.type == NodeType.JOB:
            names = [r.trigger_name for r in job_runs if r.job_name == node.name]
        else:
            names = [c.trigger_name for c in crawls if c.crawler_name == node.name]
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
                if run is None or run["Status"] not in ACTIVE_WORKFLOW_RUN_STATUSES:
                    return run or {}
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"workflow run {run_id} still {run['Status']} after {timeout}s")
                self._changed.wait(min(remaining, 1.0))
