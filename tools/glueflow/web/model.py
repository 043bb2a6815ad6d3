"""What the console's pages show, as plain data: runs, nodes with their attempts and crawls, the laid-out graph;
the state sets and the time formatting the pages share. `glueflow.web.views` fills these in from the Glue API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from glueflow.glue import ACTIVE_JOB_RUN_STATES, ACTIVE_WORKFLOW_RUN_STATUSES, CrawlState, JobRunState
from glueflow.web import layout as dag_layout

JSON = dict[str, Any]
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
    taken: bool = False  # both ends ran (or fired) in this run: the path the run went


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
