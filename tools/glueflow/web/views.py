"""What the console shows, read through the Glue API (the same operations boto3 and the CLI call), never from the
store: workflows with their last run, a workflow's run history, and one run's graph with every node's attempts,
arguments, errors, logs, counters and crawl results.

`glue(operation, params)` is `LocalRuntime.call` in `glueflow serve`; anything with that signature works, such as
`lambda op, params: getattr(client, botocore.xform_name(op))(**params)` over a boto3 client (its timestamps are
datetimes, the runtime's epoch seconds: both are accepted).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from glueflow import cost
from glueflow.glue import CrawlState, TriggerType
from glueflow.web import layout as dag_layout
from glueflow.web import logs as logfiles
from glueflow.web import urls
from glueflow.web.model import (
    RUNNING_STATES,
    Attempt,
    Crawl,
    Edge,
    Graph,
    Names,
    Node,
    RunPage,
    RunSummary,
    WorkflowSummary,
    clock,
    duration,
    epoch,
    span,
)

JSON = dict[str, Any]
GlueCall = Callable[[str, JSON], JSON]
HISTORY_LIMIT = 50
CRAWL_PAGES = 10  # ListCrawls pages searched for one crawl's counts (100 crawls each)


class Console:
    """The console's reads, bound to one runtime (or endpoint) and its state dir."""

    def __init__(
        self, glue: GlueCall, state_dir: Path, names: Names | None = None, pricing: cost.Pricing = cost.LIST_PRICES
    ) -> None:
        self.glue = glue
        self.state_dir = state_dir
        self.names = names or Names()
        self.pricing = pricing

    # --- lists ---------------------------------------------------------------------------------------------

    def workflows(self) -> list[WorkflowSummary]:
        found, token = [], None
        while True:
            page = self.glue("ListWorkflows", {"NextToken": token} if token else {})
            found += page.get("Workflows", [])
            token = page.get("NextToken")
            if not token:
                break
        summaries = []
        for name in found:
            workflow = self.glue("GetWorkflow", {"Name": name})["Workflow"]
            last = workflow.get("LastRun")
            summaries.append(
                WorkflowSummary(
                    pipeline=self.names.pipelines.get(name, name),
                    name=name,
                    description=workflow.get("Description", ""),
                    last_run=self._run_summary(self._with_graph(name, last)) if last else None,
                )
            )
        return sorted(summaries, key=lambda w: w.pipeline)

    def history(self, workflow: str, limit: int = HISTORY_LIMIT) -> list[RunSummary]:
        runs = self.glue("GetWorkflowRuns", {"Name": workflow, "IncludeGraph": True, "MaxResults": limit})["Runs"]
        return [self._run_summary(r) for r in runs]

    def workflow(self, name: str) -> JSON:
        return self.glue("GetWorkflow", {"Name": name, "IncludeGraph": True})["Workflow"]

    def _with_graph(self, workflow: str, run: JSON) -> JSON:
        if "Graph" in run:
            return run
        return self.glue("GetWorkflowRun", {"Name": workflow, "RunId": run["WorkflowRunId"], "IncludeGraph": True})[
            "Run"
        ]

    def _run_summary(self, run: JSON) -> RunSummary:
        stats = run.get("Statistics", {})
        status = run.get("Status", "")
        return RunSummary(
            workflow=run["Name"],
            run_id=run["WorkflowRunId"],
            status=status,
            started=clock(run.get("StartedOn")),
            duration=duration(span(run.get("StartedOn"), run.get("CompletedOn"), status in RUNNING_STATES)),
            succeeded=stats.get("SucceededActions", 0),
            failed=sum(stats.get(k, 0) for k in ("FailedActions", "TimeoutActions", "ErroredActions")),
            total=stats.get("TotalActions", 0),
            running=stats.get("RunningActions", 0),
            cost=self.run_cost(run),
            error=run.get("ErrorMessage", ""),
        )

    # --- cost (the arithmetic is glueflow.cost's, as in `glueflow status`; these only format it) --------------

    def run_cost(self, run: JSON) -> str:
        """Every attempt and crawl of the run so far, at the env's prices; needs the run's graph."""
        if "Graph" not in run:
            return "—"
        return cost.format_usd(cost.workflow_run_cost(run, self.pricing).usd)

    def job_run_cost(self, job_run: JSON) -> str:
        if job_run.get("JobRunState") in RUNNING_STATES:
            return "running"
        return cost.format_usd(cost.job_run_cost(job_run, self.pricing).usd)

    def crawl_cost(self, crawl: JSON) -> str:
        if not crawl.get("CompletedOn"):
            return "running"
        priced = cost.crawl_cost(crawl.get("StartedOn"), crawl.get("CompletedOn"), None, self.pricing)
        return cost.format_usd(priced.usd)

    # --- one run ---------------------------------------------------------------------------------------------

    def run(self, workflow: str, run_id: str) -> RunPage:
        run = self.glue("GetWorkflowRun", {"Name": workflow, "RunId": run_id, "IncludeGraph": True})["Run"]
        return RunPage(
            summary=self._run_summary(run),
            pipeline=self.names.pipelines.get(workflow, workflow),
            completed=clock(run.get("CompletedOn")),
            properties=dict(run.get("WorkflowRunProperties", {})),
            graph=self.graph(workflow, run.get("Graph", {}), run_id),
        )

    def graph(self, workflow: str, graph: JSON, run_id: str | None = None) -> Graph:
        """A Glue graph (GetWorkflow's, or a run's with its job runs and crawls) laid out for drawing; with
        `run_id`, each node's attempts and crawls are read too."""
        states = node_states(graph) if run_id is not None else {}
        nodes = [self._node(workflow, run_id, n, states.get(n["UniqueId"], "")) for n in graph.get("Nodes", [])]
        pairs = [(e["SourceId"], e["DestinationId"]) for e in graph.get("Edges", [])]
        layout = dag_layout.layout([n.id for n in nodes], pairs, narrow={n.id for n in nodes if n.type == "TRIGGER"})
        labels = _edge_labels(graph.get("Nodes", []))
        edges = []
        for source, target, path in layout.edges:
            start, end = layout.boxes[source], layout.boxes[target]
            x, y = (start.x + start.width + end.x) / 2, (start.center_y + end.center_y) / 2 - 5
            taken = _active(states.get(source, "")) and _active(states.get(target, ""))
            edges.append(Edge(source, target, path, labels.get((source, target), ""), x, y, taken))
        return Graph(nodes, edges, layout)

    def states(self, workflow: str, run_id: str) -> JSON:
        """The live part of a run page: run status, statistics and each node's state, keyed by node id."""
        run = self.glue("GetWorkflowRun", {"Name": workflow, "RunId": run_id, "IncludeGraph": True})["Run"]
        summary = self._run_summary(run)
        return {
            "status": summary.status,
            "live": summary.status in RUNNING_STATES,
            "duration": summary.duration,
            "completed": clock(run.get("CompletedOn")),
            "succeeded": summary.succeeded,
            "failed": summary.failed,
            "total": summary.total,
            "cost": summary.cost,
            "nodes": node_states(run.get("Graph", {})),
        }

    def _node(self, workflow: str, run_id: str | None, node: JSON, state: str) -> Node:
        kind, name = node["Type"], node["Name"]
        view = Node(
            id=node["UniqueId"],
            type=kind,
            name=name,
            label=self.names.node(name, workflow),
            detail=kind.lower(),
            state=state,
        )
        if kind == "TRIGGER":
            trigger = node.get("TriggerDetails", {}).get("Trigger", {})
            view.detail = _trigger_detail(trigger)
            view.watches = [
                f"{self.names.node(c.get('JobName') or c.get('CrawlerName', ''), workflow)} "
                f"{c.get('State') or c.get('CrawlState')}"
                for c in (trigger.get("Predicate") or {}).get("Conditions", [])
            ]
            view.starts = [
                self.names.node(a.get("JobName") or a.get("CrawlerName", ""), workflow)
                for a in trigger.get("Actions", [])
            ]
        elif run_id is None:
            pass  # a definition: nothing ran
        elif kind == "JOB":
            runs = sorted(node.get("JobDetails", {}).get("JobRuns", []), key=lambda r: r.get("Attempt", 0))
            job = self.glue("GetJob", {"JobName": name})["Job"] if runs else {}
            view.attempts = [self._attempt(workflow, run_id, job, r) for r in runs]
        else:
            crawls = node.get("CrawlerDetails", {}).get("Crawls", [])
            view.crawls = [self._crawl(workflow, run_id, name, c) for c in crawls]
        return view

    def _attempt(self, workflow: str, run_id: str, job: JSON, job_run: JSON) -> Attempt:
        state = job_run.get("JobRunState", "")
        log = logfiles.confined_log(self.state_dir, job_run.get("LogGroupName"), f"{job_run['Id']}.log")
        text, truncated = logfiles.tail(log) if log else (None, False)
        worker = (
            f"{job_run['NumberOfWorkers']} × {job_run['WorkerType']}"
            if job_run.get("WorkerType")
            else f"{job_run.get('MaxCapacity', '—')} DPU"
        )
        dpu = job_run.get("DPUSeconds")
        return Attempt(
            id=job_run["Id"],
            attempt=job_run.get("Attempt", 0),
            state=state,
            started=clock(job_run.get("StartedOn")),
            duration=duration(span(job_run.get("StartedOn"), job_run.get("CompletedOn"), state in RUNNING_STATES)),
            dpu_seconds=f"{dpu:.1f}" if dpu is not None else "—",
            cost=self.job_run_cost(job_run),
            error=job_run.get("ErrorMessage", ""),
            arguments=effective_arguments(job, job_run),
            counters=logfiles.counters(log) if log else {},
            log_tail=text,
            log_truncated=truncated,
            log_url=urls.log_path(workflow, run_id, job_run["JobName"], job_run["Id"]) if log else None,
            worker=worker,
        )

    def _crawl(self, workflow: str, run_id: str, crawler: str, crawl: JSON) -> Crawl:
        log = logfiles.confined_log(self.state_dir, crawl.get("LogGroup"), crawl.get("LogStream"))
        text, truncated = logfiles.tail(log) if log else (None, False)
        history = self._crawl_history(crawler, crawl)
        counts = _summary_counts(history.get("Summary")) if history else {}
        crawl_id = history.get("CrawlId", crawl.get("LogStream", "")) if history else crawl.get("LogStream", "")
        state = crawl.get("State", "")
        return Crawl(
            id=crawl_id,
            state=state,
            started=clock(crawl.get("StartedOn")),
            duration=duration(span(crawl.get("StartedOn"), crawl.get("CompletedOn"), state == CrawlState.RUNNING)),
            error=crawl.get("ErrorMessage", ""),
            cost=self.crawl_cost(crawl),
            created=counts.get("ADD"),
            updated=counts.get("UPDATE"),
            deleted=counts.get("DELETE"),
            tables=logfiles.table_changes(log) if log else {},
            log_tail=text,
            log_truncated=truncated,
            log_url=urls.log_path(workflow, run_id, crawler, crawl_id) if log else None,
        )

    def _crawl_history(self, crawler: str, crawl: JSON) -> JSON:
        """The ListCrawls entry of a graph's crawl (same log stream): it has the crawl id and the table counts.
        Newest first, so a recent run's crawl is on the first page; older ones take a few more."""
        params: JSON = {"CrawlerName": crawler, "MaxResults": 100}
        for _ in range(CRAWL_PAGES):
            page = self.glue("ListCrawls", params)
            found = next((c for c in page.get("Crawls", []) if c.get("LogStream") == crawl.get("LogStream")), None)
            if found is not None:
                return found
            if not page.get("NextToken"):
                break
            params = {**params, "NextToken": page["NextToken"]}
        return {}

    # --- log download ----------------------------------------------------------------------------------------

    def log_file(self, workflow: str, run_id: str, node_name: str, node_run_id: str) -> logfiles.LogFile | None:
        """The log of job run / crawl `node_run_id` of node `node_name` in that workflow run, found through the
        API and confined to the state dir; None if any of it does not exist."""
        run = self.glue("GetWorkflowRun", {"Name": workflow, "RunId": run_id, "IncludeGraph": True})["Run"]
        node = next((n for n in run.get("Graph", {}).get("Nodes", []) if n["Name"] == node_name), None)
        if node is None:
            return None
        if node["Type"] == "JOB":
            for job_run in node.get("JobDetails", {}).get("JobRuns", []):
                if job_run["Id"] == node_run_id:
                    return logfiles.confined_log(self.state_dir, job_run.get("LogGroupName"), f"{job_run['Id']}.log")
        elif node["Type"] == "CRAWLER":
            for crawl in node.get("CrawlerDetails", {}).get("Crawls", []):
                history = self._crawl_history(node_name, crawl)
                if node_run_id in (history.get("CrawlId"), crawl.get("LogStream")):
                    return logfiles.confined_log(self.state_dir, crawl.get("LogGroup"), crawl.get("LogStream"))
        return None


def effective_arguments(job: JSON, job_run: JSON) -> dict[str, tuple[str, str]]:
    """What the attempt ran with, as Glue merges it: the job's default arguments, overridden by the run's, with
    the non-overridable ones last; each value with where it came from (default | run | fixed)."""
    merged: dict[str, tuple[str, str]] = {k: (v, "default") for k, v in job.get("DefaultArguments", {}).items()}
    merged.update({k: (v, "run") for k, v in job_run.get("Arguments", {}).items()})
    merged.update({k: (v, "fixed") for k, v in job.get("NonOverridableArguments", {}).items()})
    return merged


def node_states(graph: JSON) -> dict[str, str]:
    """Each node's state in a run's graph, by UniqueId: a job's or crawler's last attempt / crawl state (NOT_RUN if
    none); a trigger is FIRED once a node it starts has run in this run, else ""."""
    nodes = graph.get("Nodes", [])
    states = {n["UniqueId"]: _node_state(n) for n in nodes if n["Type"] != "TRIGGER"}
    ran = {n["Name"] for n in nodes if n["Type"] != "TRIGGER" and _active(states[n["UniqueId"]])}
    for node in nodes:
        if node["Type"] == "TRIGGER":
            actions = node.get("TriggerDetails", {}).get("Trigger", {}).get("Actions", [])
            fired = any((a.get("JobName") or a.get("CrawlerName")) in ran for a in actions)
            states[node["UniqueId"]] = "FIRED" if fired else ""
    return states


def _active(state: str) -> bool:
    return state not in ("", "NOT_RUN")


def _node_state(node: JSON) -> str:
    """A job's or crawler's state in a run: its last attempt's / crawl's state, NOT_RUN if it has none."""
    if node["Type"] == "JOB":
        runs = node.get("JobDetails", {}).get("JobRuns", [])
        if not runs:
            return "NOT_RUN"
        return str(max(runs, key=lambda r: (r.get("Attempt", 0), epoch(r.get("StartedOn")) or 0))["JobRunState"])
    if node["Type"] == "CRAWLER":
        crawls = node.get("CrawlerDetails", {}).get("Crawls", [])
        if not crawls:
            return "NOT_RUN"
    return str(max(crawls, key=lambda c: epoch(c.get("StartedOn")) or 0).get("State", ""))


def _trigger_detail(trigger: JSON) -> str:
    kind = trigger.get("Type", "")
    if kind == TriggerType.CONDITIONAL:
        return str((trigger.get("Predicate") or {}).get("Logical", "AND"))
    if kind == "SCHEDULED":
        return str(trigger.get("Schedule", "SCHEDULED"))
    return str(kind)


def _edge_labels(nodes: list[JSON]) -> dict[tuple[str, str], str]:
    """(watched node id, trigger id) → the watched states, e.g. "FAILED | TIMEOUT"."""
    by_name = {(n["Type"], n["Name"]): n["UniqueId"] for n in nodes}
    labels: dict[tuple[str, str], list[str]] = {}
    for node in nodes:
        if node["Type"] != "TRIGGER":
            continue
        trigger = node.get("TriggerDetails", {}).get("Trigger", {})
        for condition in (trigger.get("Predicate") or {}).get("Conditions", []):
            source = (
                ("JOB", condition["JobName"]) if condition.get("JobName") else ("CRAWLER", condition["CrawlerName"])
            )
            if source in by_name:
                state = condition.get("State") or condition.get("CrawlState") or ""
                labels.setdefault((by_name[source], node["UniqueId"]), []).append(state)
    return {edge: " | ".join(states) for edge, states in labels.items()}


def _summary_counts(summary: str | None) -> dict[str, int]:
    """Table counts from a CrawlerHistory Summary ('{"TABLE":{"ADD":{"Count":1},...}}')."""
    try:
        tables = json.loads(summary or "{}").get("TABLE", {})
        return {action: int(item.get("Count", 0)) for action, item in tables.items()}
    except (ValueError, AttributeError, TypeError):
        return {}
