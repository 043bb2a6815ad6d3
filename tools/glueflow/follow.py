"""Follow workflow runs through the Glue API: live node view, summary table, failed-node logs, exit code.

Shared by `glueflow run` and `glueflow status`, for every env: everything here reads Glue's API shapes
(`GetWorkflowRun(IncludeGraph=True)`) through a boto3 client, so the local endpoint and AWS look the same.

Glue calls a workflow run COMPLETED even when nodes failed; glueflow's verdict is stricter: a run succeeded
only if it COMPLETED and every node that ran ended SUCCEEDED.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from glueflow.cost import LIST_PRICES, NO_COST, Cost, Pricing, crawl_cost, format_usd, job_run_cost, sum_costs
from glueflow.dag import WorkflowGraph
from glueflow.glue import (
    FINAL_CRAWL_STATES,
    FINAL_JOB_RUN_STATES,
    FINISHED_WORKFLOW_RUN_STATUSES,
    CrawlState,
    ExitCode,
    JobRunState,
    NodeType,
    WorkflowRunStatus,
)

BAD = (FINAL_JOB_RUN_STATES | FINAL_CRAWL_STATES) - {JobRunState.SUCCEEDED}
PENDING, NOT_RUN = "PENDING", "NOT RUN"
EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = ExitCode.OK, ExitCode.FAILED, ExitCode.INTERRUPTED
_STYLES = {
    JobRunState.SUCCEEDED: "green",
    WorkflowRunStatus.COMPLETED: "green",
    JobRunState.RUNNING: "cyan",
    JobRunState.STARTING: "cyan",
    NOT_RUN: "dim",
}


@dataclass(frozen=True)
class NodeStatus:
    """One job or crawler node of a run, from its latest attempt / crawl."""

    name: str  # the logical name from the pipeline's YAML (see logical_name)
    physical_name: str
    type: str  # JOB | CRAWLER
    state: str  # Glue's JobRunState / CrawlState, or PENDING / NOT RUN
    attempts: int
    started_on: datetime | None = None
    completed_on: datetime | None = None
    error: str | None = None
    job_run_id: str | None = None
    log_group: str | None = None
    log_stream: str | None = None
    cost: Cost = NO_COST  # every attempt / crawl of the node in this run

    @property
    def failed(self) -> bool:
        return self.state in BAD

    def duration(self, now: datetime) -> float | None:
        if self.started_on is None:
            return None
        return ((self.completed_on or now) - self.started_on).total_seconds()


@dataclass(frozen=True)
class RunStatus:
    """One workflow run as Glue reports it, reduced to what the tables show."""

    pipeline: str
    workflow: str
    run_id: str
    status: str
    started_on: datetime | None
    completed_on: datetime | None
    error_message: str | None
    statistics: dict[str, int]
    nodes: list[NodeStatus]
    properties: dict[str, str] = field(default_factory=dict)
    batch_condition: dict[str, int] | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_WORKFLOW_RUN_STATUSES

    @property
    def cost(self) -> Cost:
        return sum_costs(n.cost for n in self.nodes)

    @property
    def failed_nodes(self) -> list[NodeStatus]:
        return [n for n in self.nodes if n.failed]

    @property
    def succeeded(self) -> bool:
        return self.status == WorkflowRunStatus.COMPLETED and not self.failed_nodes


def _aware(value: Any) -> datetime | None:
    """boto3 parses timestamps to aware datetimes; tolerate epoch numbers from raw JSON too."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def run_status(pipeline: str, run: dict[str, Any], pricing: Pricing = LIST_PRICES) -> RunStatus:
    """Reduce a `WorkflowRun` (with Graph) to a RunStatus; nodes in the DAG's order, priced at `pricing`."""
    workflow = run["Name"]
    finished = run.get("Status") in FINISHED_WORKFLOW_RUN_STATUSES
    graph, shapes = WorkflowGraph.from_glue_graph(run.get("Graph") or {})
    nodes = [
        _node_status(workflow, shapes[node], finished, pricing)
        for node in graph.topological()
        if node.type in (NodeType.JOB, NodeType.CRAWLER)
    ]
    return RunStatus(
        pipeline=pipeline,
        workflow=workflow,
        run_id=run["WorkflowRunId"],
        status=run.get("Status", WorkflowRunStatus.RUNNING),
        started_on=_aware(run.get("StartedOn")),
        completed_on=_aware(run.get("CompletedOn")),
        error_message=run.get("ErrorMessage"),
        statistics=dict(run.get("Statistics") or {}),
        nodes=nodes,
        properties=dict(run.get("WorkflowRunProperties") or {}),
        batch_condition=run.get("StartingEventBatchCondition"),
    )


def logical_name(workflow: str, physical: str) -> str:
    """The name in the pipeline's YAML: glueflow names nodes `<workflow>-<logical name with _ as ->` (logical
    names never contain '-'); other names are shown as they are."""
    prefix = f"{workflow}-"
    return physical[len(prefix) :].replace("-", "_") if physical.startswith(prefix) else physical


def _node_status(workflow: str, node: dict[str, Any], run_finished: bool, pricing: Pricing) -> NodeStatus:
    physical = node.get("Name", "")
    name = logical_name(workflow, physical)
    empty = NOT_RUN if run_finished else PENDING
    if node["Type"] == NodeType.JOB:
        runs = sorted((node.get("JobDetails") or {}).get("JobRuns") or [], key=lambda r: r.get("Attempt", 0))
        if not runs:
            return NodeStatus(name, physical, NodeType.JOB, empty, 0)
        last = runs[-1]
        return NodeStatus(
            name,
            physical,
            NodeType.JOB,
            last.get("JobRunState", JobRunState.RUNNING),
            len(runs),
            started_on=_aware(runs[0].get("StartedOn")),
            completed_on=_aware(last.get("CompletedOn")),
            error=last.get("ErrorMessage"),
            job_run_id=last.get("Id"),
            log_group=last.get("LogGroupName"),
            cost=sum_costs(job_run_cost(r, pricing) for r in runs),
        )
    crawls = sorted(
        (node.get("CrawlerDetails") or {}).get("Crawls") or [], key=lambda c: _aware(c.get("StartedOn")) or _EPOCH
    )
    if not crawls:
        return NodeStatus(name, physical, NodeType.CRAWLER, empty, 0)
    last = crawls[-1]
    return NodeStatus(
        name,
        physical,
        NodeType.CRAWLER,
        last.get("State", CrawlState.RUNNING),
        len(crawls),
        started_on=_aware(last.get("StartedOn")),
        completed_on=_aware(last.get("CompletedOn")),
        error=last.get("ErrorMessage"),
        log_group=last.get("LogGroup"),
        log_stream=last.get("LogStream"),
        cost=sum_costs(crawl_cost(c.get("StartedOn"), c.get("CompletedOn"), None, pricing) for c in crawls),
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def exit_code(runs: Iterable[RunStatus]) -> int:
    """0 only if every run COMPLETED with every node that ran SUCCEEDED; a still-running run does not fail."""
    return EXIT_OK if all(r.succeeded or not r.finished for r in runs) else EXIT_FAILED


# --- rendering -------------------------------------------------------------------------------------------------


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def _state_text(state: str) -> Text:
    style = _STYLES.get(state, "red bold" if state in BAD else "yellow")
    return Text(state, style=style)


def short_id(run_id: str) -> str:
    """Glue run ids are 67 characters; the live view shows a prefix (summaries print the whole id)."""
    return run_id if len(run_id) <= 16 else run_id[:14] + "…"


def progress_table(runs: list[RunStatus], now: datetime) -> Table:
    """The live view: one row per node of every followed run."""
    table = Table(title=None, box=None, pad_edge=False, header_style="bold")
    many = len(runs) > 1
    if many:
        table.add_column("pipeline")
    for column in ("node", "type", "state", "attempt", "duration"):
        table.add_column(column, justify="right" if column in ("attempt", "duration") else "left")
    for run in runs:
        for node in run.nodes:
            cells: list[Any] = [run.pipeline] if many else []
            attempt = str(node.attempts - 1) if node.attempts else "—"
            cells += [node.name, node.type, _state_text(node.state), attempt, format_duration(node.duration(now))]
            table.add_row(*cells)
    table.caption = "   ".join(f"{r.pipeline} {short_id(r.run_id)}: {r.status}" for r in runs)
    return table


def summary_table(runs: list[RunStatus], now: datetime) -> Table:
    """The final table: node, type, state, attempts, duration and the error of each node."""
    table = Table(header_style="bold", show_lines=False)
    many = len(runs) > 1
    if many:
        table.add_column("pipeline")
    numeric = ("attempts", "duration", "DPU-s", "cost")
    for column in ("node", "type", "state", *numeric, "error"):
        table.add_column(column, justify="right" if column in numeric else "left", overflow="fold")
    for run in runs:
        for node in run.nodes:
            cells: list[Any] = [run.pipeline] if many else []
            cells += [
                node.name,
                node.type,
                _state_text(node.state),
                str(node.attempts),
                format_duration(node.duration(now)),
                _dpu_seconds_text(node.cost),
                format_usd(node.cost.usd) if node.cost.billed_dpu_seconds else "—",
                node.error or "",
            ]
            table.add_row(*cells)
    return table


def _dpu_seconds_text(cost: Cost) -> str:
    return f"{cost.dpu_seconds:,.0f}" if cost.billed_dpu_seconds else "—"


def cost_text(cost: Cost) -> str:
    """`$0.0147 (60 DPU-s used, 120 billed)`: billed is above used when runs end inside Glue's minimum."""
    return f"{format_usd(cost.usd)} ({cost.dpu_seconds:,.0f} DPU-s used, {cost.billed_dpu_seconds:,.0f} billed)"


def run_headline(run: RunStatus, now: datetime) -> Text:
    duration = format_duration(((run.completed_on or now) - run.started_on).total_seconds()) if run.started_on else "—"
    verdict = "succeeded" if run.succeeded else ("running" if not run.finished else "failed")
    style = "green" if run.succeeded else ("cyan" if not run.finished else "red bold")
    text = Text.assemble(
        (f"{run.pipeline}", "bold"),
        f"  run {run.run_id}  Glue status {run.status}  ",
        (verdict, style),
        f"  in {duration}",
    )
    if run.failed_nodes and run.status == WorkflowRunStatus.COMPLETED:
        text.append(f"  ({len(run.failed_nodes)} node(s) failed; Glue still says COMPLETED)", style="red")
    if run.error_message:
        text.append(f"\n  {run.error_message}", style="red")
    if run.batch_condition:
        text.append(f"\n  started by an event batch: {run.batch_condition}")
    text.append(f"\n  cost {cost_text(run.cost)}")
    return text


def log_locations(run: RunStatus, node: NodeStatus, env_name: str, region: str, local: bool) -> list[str]:
    """Where to read a failed node's logs: the `logs` command locally, CloudWatch on AWS."""
    if local:
        lines = [f"glueflow logs --env {env_name} -p {run.pipeline} --node {node.name} --run-id {run.run_id}"]
        if node.log_group:  # the local runtime's log folder; the file is the job run id / the crawl's stream
            file = f"{node.job_run_id}.log" if node.type == NodeType.JOB else node.log_stream
            lines.append(f"log file: {node.log_group}/{file}")
        return lines
    if node.type == NodeType.JOB:
        group = node.log_group or "/aws-glue/jobs"
        stream = node.job_run_id or "?"
        return [
            f"CloudWatch log group {group}/error, stream {stream} (stdout: {group}/output)",
            f"continuous logging: /aws-glue/jobs/logs-v2, stream {stream}",
            _console_link(region, f"{group}/error", stream),
        ]
    group = node.log_group or "/aws-glue/crawlers"
    stream = node.log_stream or node.physical_name
    return [f"CloudWatch log group {group}, stream {stream}", _console_link(region, group, stream)]


def _console_link(region: str, group: str, stream: str) -> str:
    def encode(text: str) -> str:  # the console's double-encoding of '/' and friends
        return quote(quote(text, safe=""), safe="").replace("%", "$")

    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#logsV2:log-groups/log-group/{encode(group)}/log-events/{encode(stream)}"
    )


def print_summary(
    console: Console, runs: list[RunStatus], *, env_name: str, region: str, local: bool, now: datetime | None = None
) -> None:
    now = now or datetime.now(UTC)
    console.print(summary_table(runs, now))
    for run in runs:
        console.print(run_headline(run, now))
        for node in run.failed_nodes:
            console.print(Text(f"  {node.name} ({node.type}) {node.state}: {node.error or 'no error message'}", "red"))
            for line in log_locations(run, node, env_name, region, local):
                console.print(Text(f"    {line}", "dim"), soft_wrap=True)


# --- polling -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollPolicy:
    """Local runs: poll fast and flat. AWS: back off while nothing changes, and start over on a change."""

    initial: float
    maximum: float
    factor: float

    @classmethod
    def for_env(cls, local: bool) -> PollPolicy:
        return cls(0.1, 0.2, 1.0) if local else cls(2.0, 30.0, 1.5)

    def next(self, current: float, changed: bool) -> float:
        return self.initial if changed else min(self.maximum, current * self.factor)


@dataclass(frozen=True)
class FollowTarget:
    pipeline: str
    workflow: str
    run_id: str


InterruptChoice = Literal["stop", "detach", "continue"]


def fetch(glue: Any, target: FollowTarget, pricing: Pricing = LIST_PRICES) -> RunStatus:
    response = glue.get_workflow_run(Name=target.workflow, RunId=target.run_id, IncludeGraph=True)
    return run_status(target.pipeline, response["Run"], pricing)


def _snapshot(runs: list[RunStatus]) -> dict[tuple[str, str], tuple[str, int]]:
    marks: dict[tuple[str, str], tuple[str, int]] = {(r.pipeline, "(run)"): (r.status, 0) for r in runs}
    for run in runs:
        for node in run.nodes:
            marks[(run.pipeline, node.name)] = (node.state, node.attempts)
    return marks


class Follower:
    """Follow the runs until all have finished, showing a live table (TTY) or one line per transition (pipes, CI).
    On AWS it polls with backoff; on the local runtime `wait` returns as soon as a run changes.

    On Ctrl-C, `on_interrupt` decides: "stop" the runs (StopWorkflowRun, then keep following until they stop),
    "detach" (return at once; the runs go on), or "continue" following.
    """

    def __init__(
        self,
        glue: Any,
        targets: list[FollowTarget],
        console: Console,
        *,
        policy: PollPolicy,
        live: bool,
        on_interrupt: Callable[[list[RunStatus]], InterruptChoice],
        sleep: Callable[[float], None] = time.sleep,
        pricing: Pricing = LIST_PRICES,
        wait: Callable[[list[RunStatus], float], None] | None = None,
    ) -> None:
        self.glue, self.targets, self.console = glue, targets, console
        self.policy, self.live, self.on_interrupt, self.sleep = policy, live, on_interrupt, sleep
        # Between polls: `wait(runs, interval)` if given (the local runtime wakes it on its events), else sleep.
        self.wait = wait or (lambda runs, interval: self.sleep(interval))
        self.detached = False
        self.pricing = pricing
        self._marks: dict[tuple[str, str], tuple[str, int]] = {}
        self._previous: dict[tuple[str, str], tuple[str, int]] = {}

    def poll(self) -> list[RunStatus]:
        return [fetch(self.glue, t, self.pricing) for t in self.targets]

    def follow(self) -> list[RunStatus]:
        """Return the runs' last state (finished unless detached)."""
        runs = self.poll()
        while True:
            try:
                return self._follow_until_done(runs)
            except KeyboardInterrupt:
                runs = self.poll()
                choice = self.on_interrupt(runs)
                if choice == "detach":
                    self.detached = True
                    return runs
                if choice == "stop":
                    self.stop(runs)

    def stop(self, runs: list[RunStatus]) -> None:
        for run in runs:
            if not run.finished:
                self.glue.stop_workflow_run(Name=run.workflow, RunId=run.run_id)
                self.console.print(f"stopping {run.pipeline} run {run.run_id} …")

    def _follow_until_done(self, runs: list[RunStatus]) -> list[RunStatus]:
        if not self.live:
            return self._loop(runs, self._print_transitions)
        with Live(progress_table(runs, datetime.now(UTC)), console=self.console, refresh_per_second=8) as live:
            return self._loop(runs, lambda current: live.update(progress_table(current, datetime.now(UTC))))

    def _loop(self, runs: list[RunStatus], show: Callable[[list[RunStatus]], None]) -> list[RunStatus]:
        interval = self.policy.initial
        while True:
            changed = self._changed(runs)
            show(runs)
            if all(r.finished for r in runs):
                return runs
            interval = self.policy.next(interval, changed)
            self.wait(runs, interval)
            runs = self.poll()

    def _changed(self, runs: list[RunStatus]) -> bool:
        marks = _snapshot(runs)
        changed = marks != self._marks
        self._previous, self._marks = self._marks, marks
        return changed

    def _print_transitions(self, runs: list[RunStatus]) -> None:
        now = datetime.now(UTC)
        stamp = now.strftime("%H:%M:%S")
        for run in runs:
            run_line = f"{stamp}  {run.pipeline}  run {run.run_id}  {run.status}"
            run_changed = self._previous.get((run.pipeline, "(run)")) != (run.status, 0)
            if run_changed and not run.finished:  # a finished run is announced after its last nodes
                self.console.print(run_line, markup=False)
            for node in run.nodes:
                if self._previous.get((run.pipeline, node.name), (PENDING, 0)) == (node.state, node.attempts):
                    continue
                attempt = f"  attempt {node.attempts - 1}" if node.attempts else ""
                took = f"  {format_duration(node.duration(now))}" if node.completed_on else ""
                error = f"  {node.error}" if node.error and node.failed else ""
                self.console.print(
                    f"{stamp}  {run.pipeline}  {node.name} ({node.type})  {node.state}{attempt}{took}{error}",
                    markup=False,
                )
            if run_changed and run.finished:
                self.console.print(run_line, markup=False)


# --- starting and finding runs ---------------------------------------------------------------------------------


def start_runs(glue: Any, workflows: dict[str, str], properties: dict[str, str]) -> list[FollowTarget]:
    """StartWorkflowRun for each pipeline → workflow name; run properties apply to every one."""
    targets = []
    for pipeline, workflow in workflows.items():
        arguments: dict[str, Any] = {"Name": workflow}
        if properties:
            arguments["RunProperties"] = properties
        run_id = glue.start_workflow_run(**arguments)["RunId"]
        targets.append(FollowTarget(pipeline, workflow, run_id))
    return targets


def latest_run_id(glue: Any, workflow: str) -> str | None:
    """The workflow's last run (Glue's `Workflow.LastRun`), or None if it never ran."""
    last = glue.get_workflow(Name=workflow, IncludeGraph=False)["Workflow"].get("LastRun") or {}
    return last.get("WorkflowRunId")
