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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from glueflow import cost
from glueflow.glue import ACTIVE_JOB_RUN_STATES, ACTIVE_WORKFLOW_RUN_STATUSES, CrawlState, JobRunState
from glueflow.web import layout as dag_layout
from glueflow.web import logs as logfiles
from glueflow.web import urls

JSON = dict[str, Any]
GlueCall = Callable[[str, JSON], JSON]
HISTORY_LIMIT = 50
CRAWL_PAGES = 10  # ListCrawls pages searched for one crawl's counts (100 crawls each)
# Job run, crawl and workflow run states together: a page asks "is this still going" / "did this go wrong".
RUNNING_STATES = frozenset({*ACTIVE_JOB_RUN_STATES, *ACTIVE_WORKFLOW_RUN_STATUSES, CrawlState.CANCELLING})
FAILED_STATES = frozenset({JobRunState.FAILED, JobRunState.TIMEOUT, JobRunState.ERROR, JobRunState.EXPIRED})


@dataclass(frozen=True)
class Names:
    """Logical names for physical ones: workflow → pipeline key, job/crawler/trigger → its key in the spec."""

    pipelines: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, tfvars: Any) -> Names:
        pipelines, nodes = {}, {}
        for key, pipeline in tfvars.pipelines.items():
            pipelines[pipeline.workflow_name] = key
            for group in (pipeline.jobs, pipeline.crawlers, pipeline.triggers):
                nodes.update({item.name: logical for logical, item in group.items()})
        return cls(pipelines, nodes)

    def node(self, name: str, workflow: str) -> str:
        return self.nodes.get(name) or name.removeprefix(f"{workflow}-")


# --- formatting helpers (shared by the templates) ------------------------------------------------------------


def epoch(value: Any) -> float | None:
    if value is None:
        return None
    return value.timestamp() if isinstance(value, datetime) else float(value)


def clock(value: Any) -> str:
    seconds = epoch(value)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S") if seconds is not None else "—"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m {rest:02d}s" if minutes < 60 else f"{minutes // 60}h {minutes % 60:02d}m"


def span(started: Any, completed: Any, running: bool) -> float | None:
    start = epoch(started)
    if start is None:
        return None
    end = epoch(completed)
    if end is None:
        end = datetime.now(UTC).timestamp() if running else None
    return None if end is None else max(0.0, end - start)


# --- views -------------------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    workflow: str
    run_id: str
    status: str
    started: str
    duration: str
    succeeded: int
    failed: int
    total: int
    running: int
    cost: str
    error: str = ""


@dataclass
class WorkflowSummary:
    pipeline: str
    name: str
    description: str
    last_run: RunSummary | None


@dataclass
class Attempt:
    id: str
    attempt: int
    state: str
    started: str
    duration: str
    dpu_seconds: str
    cost: str
    error: str
    arguments: dict[str, tuple[str, str]]  # name → (value, default | run | fixed)
    counters: dict[str, int]
    log_tail: str | None
    log_truncated: bool
    log_url: str | None
    worker: str


@dataclass
class Crawl:
    id: str
    state: str
    started: str
    duration: str
    error: str
    cost: str
    created: int | None
    updated: int | None
    deleted: int | None
    tables: dict[str, list[str]]
    log_tail: str | None
    log_truncated: bool
    log_url: str | None


@dataclass
class Node:
    id: str
    type: str  # TRIGGER | JOB | CRAWLER
    name: str
    label: str  # logical name
    detail: str  # trigger: AND / ANY / the schedule; others: the type
    state: str
    attempts: list[Attempt] = field(default_factory=list)
    crawls: list[Crawl] = field(default_factory=list)
    watches: list[str] = field(default_factory=list)  # trigger: "clean_sales FAILED"
    starts: list[str] = field(default_factory=list)


@dataclass
class Edge:
    source: str
    target: str
    path: str
    label: str
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge]
    layout: dag_layout.Layout

    @property
    def failed(self) -> list[Node]:
        return [n for n in self.in_order() if n.state in FAILED_STATES]

    def in_order(self) -> list[Node]:
        """Jobs and crawlers as the graph reads: left to right, top to bottom."""
        boxes = self.layout.boxes
        return sorted((n for n in self.nodes if n.type != "TRIGGER"), key=lambda n: (boxes[n.id].x, boxes[n.id].y))

    def details_order(self) -> list[Node]:
        """What went wrong first (the reason to open a run page), then the graph's order."""
        ordered = self.in_order()
        return [n for n in ordered if n.state in FAILED_STATES] + [n for n in ordered if n.state not in FAILED_STATES]


@dataclass
class RunPage:
    summary: RunSummary
    pipeline: str
    completed: str
    properties: dict[str, str]
    graph: Graph

    @property
    def live(self) -> bool:
        return self.summary.status in RUNNING_STATES


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
        nodes = [self._node(workflow, run_id, n) for n in graph.get("Nodes", [])]
        pairs = [(e["SourceId"], e["DestinationId"]) for e in graph.get("Edges", [])]
        layout = dag_layout.layout([n.id for n in nodes], pairs, narrow={n.id for n in nodes if n.type == "TRIGGER"})
        labels = _edge_labels(graph.get("Nodes", []))
        edges = []
        for source, target, path in layout.edges:
            start, end = layout.boxes[source], layout.boxes[target]
            x, y = (start.x + start.width + end.x) / 2, (start.center_y + end.center_y) / 2 - 5
            edges.append(Edge(source, target, path, labels.get((source, target), ""), x, y))
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
            "nodes": {n["UniqueId"]: _node_state(n) for n in run.get("Graph", {}).get("Nodes", [])},
        }

    def _node(self, workflow: str, run_id: str | None, node: JSON) -> Node:
        kind, name = node["Type"], node["Name"]
        view = Node(
            id=node["UniqueId"],
            type=kind,
            name=name,
            label=self.names.node(name, workflow),
            detail=kind.lower(),
            state=_node_state(node),
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
            view.state = ""  # a definition: no state to show
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


def _node_state(node: JSON) -> str:
    """A node's state in a run: its last attempt's / crawl's state, NOT_RUN if it has none, "" for a trigger."""
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
    return ""


def _trigger_detail(trigger: JSON) -> str:
    kind = trigger.get("Type", "")
    if kind == "CONDITIONAL":
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
