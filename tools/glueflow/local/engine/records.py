"""The engine's run records: a job run (one attempt), a crawl and a workflow run, each a dataclass that owns its
state and renders Glue's API shape with `to_shape()` (moto's `Fake*` / `as_dict()` manner).

A record also round-trips through the store as its *body* (`from_body()` / `to_body()`): the JSON the store keeps
in its `body` column. The body format is the one glueflow has always written (Glue's keys, plus `_`-prefixed keys
for what only the engine needs, like `_WorkflowRunId`), so state dirs written before records existed load
unchanged, and a record is persisted whole at every state change (nothing lives only in memory: kill -9 loses
nothing). Each field says its body key and whether it is part of the Glue shape; fields outside the shape never
leak into an API response.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Self

from glueflow import cost
from glueflow.glue import FINAL_JOB_RUN_STATES, CrawlerHistoryState, CrawlState, JobRunState, WorkflowRunStatus
from glueflow.local.store import Store

JSON = dict[str, Any]


def _key(name: str, *, shape: bool = True) -> dict[str, Any]:
    """A field's metadata: stored under body key `name`; `shape=False` keeps it out of the Glue shape."""
    return {"key": name, "shape": shape}


class _Record:
    """Body/shape conversion shared by the records, driven by each field's `key` and `shape` metadata."""

    @classmethod
    def from_body(cls, body: JSON) -> Self:
        # Every key glueflow has ever written to a run body is a field; a key no field names would be dropped.
        values = {f.name: body[f.metadata["key"]] for f in fields(cls) if f.metadata["key"] in body}  # type: ignore[arg-type]
        return cls(**values)

    def to_body(self) -> JSON:
        """What the store persists; a None value is left out (readers take a missing key as None)."""
        return {f.metadata["key"]: v for f in fields(self) if (v := getattr(self, f.name)) is not None}  # type: ignore[arg-type]

    def to_shape(self) -> JSON:
        """Glue's API shape: only the shape's members, never an engine-private field."""
        return {
            f.metadata["key"]: v
            for f in fields(self)  # type: ignore[arg-type]
            if f.metadata["shape"] and (v := getattr(self, f.name)) is not None
        }


@dataclass
class JobRunRecord(_Record):
    """One attempt of a job run (Glue's JobRun); a retry is a new record whose `previous_run_id` is this one."""

    id: str = field(metadata=_key("Id"))
    job_name: str = field(metadata=_key("JobName"))
    state: JobRunState = field(default=JobRunState.STARTING, metadata=_key("JobRunState"))
    attempt: int = field(default=0, metadata=_key("Attempt"))
    previous_run_id: str | None = field(default=None, metadata=_key("PreviousRunId"))
    trigger_name: str | None = field(default=None, metadata=_key("TriggerName"))
    started_on: float = field(default=0.0, metadata=_key("StartedOn"))
    last_modified_on: float | None = field(default=None, metadata=_key("LastModifiedOn"))
    completed_on: float | None = field(default=None, metadata=_key("CompletedOn"))
    arguments: dict[str, str] = field(default_factory=dict, metadata=_key("Arguments"))
    error_message: str | None = field(default=None, metadata=_key("ErrorMessage"))
    execution_time: int = field(default=0, metadata=_key("ExecutionTime"))
    timeout: int | None = field(default=None, metadata=_key("Timeout"))
    glue_version: str | None = field(default=None, metadata=_key("GlueVersion"))
    worker_type: str | None = field(default=None, metadata=_key("WorkerType"))
    number_of_workers: int | None = field(default=None, metadata=_key("NumberOfWorkers"))
    max_capacity: float | None = field(default=None, metadata=_key("MaxCapacity"))
    dpu_seconds: float | None = field(default=None, metadata=_key("DPUSeconds"))
    log_group_name: str | None = field(default=None, metadata=_key("LogGroupName"))
    # Engine-private: the workflow run that started it (Glue shows it only as --WORKFLOW_RUN_ID) and when the
    # attempt's process started (ExecutionTime counts from there, not from StartedOn).
    workflow_run_id: str | None = field(default=None, metadata=_key("_WorkflowRunId", shape=False))
    running_on: float | None = field(default=None, metadata=_key("_RunningOn", shape=False))

    def __post_init__(self) -> None:
        self.state = JobRunState(self.state)

    @property
    def finished(self) -> bool:
        return self.state in FINAL_JOB_RUN_STATES

    def finish(self, state: JobRunState, now: float, error_message: str | None = None) -> None:
        """End the attempt: its state, times, and DPUSeconds (ExecutionTime × capacity) when it has a capacity."""
        self.state, self.completed_on, self.last_modified_on = JobRunState(state), now, now
        self.execution_time = round(now - (self.running_on if self.running_on is not None else self.started_on))
        if error_message:
            self.error_message = error_message
        shape = self.to_shape()
        if cost.capacity(shape):
            self.dpu_seconds = cost.dpu_seconds(shape)


@dataclass
class CrawlRecord(_Record):
    """One crawl of a crawler. Its Glue shape is `Crawl` (a workflow graph's CrawlerDetails); ListCrawls reports
    it as a `CrawlerHistory` (`to_history_shape()`)."""

    crawl_id: str = field(metadata=_key("CrawlId", shape=False))
    crawler_name: str = field(metadata=_key("CrawlerName", shape=False))
    workflow_run_id: str | None = field(default=None, metadata=_key("WorkflowRunId", shape=False))
    state: CrawlState = field(default=CrawlState.RUNNING, metadata=_key("State"))
    started_on: float = field(default=0.0, metadata=_key("StartedOn"))
    completed_on: float | None = field(default=None, metadata=_key("CompletedOn"))
    error_message: str | None = field(default=None, metadata=_key("ErrorMessage"))
    log_group: str = field(default="", metadata=_key("LogGroup"))
    log_stream: str = field(default="", metadata=_key("LogStream"))
    tables_created: int | None = field(default=None, metadata=_key("TablesCreated", shape=False))
    tables_updated: int | None = field(default=None, metadata=_key("TablesUpdated", shape=False))
    tables_deleted: int | None = field(default=None, metadata=_key("TablesDeleted", shape=False))
    # the workflow trigger that started it
    trigger_name: str | None = field(default=None, metadata=_key("_TriggerName", shape=False))

    def __post_init__(self) -> None:
        self.state = CrawlState(self.state)

    def to_history_shape(self) -> JSON:
        """ListCrawls' CrawlerHistory: a CrawlerHistoryState, a table-change Summary, and the DPU-hours used."""
        shape: JSON = {
            "CrawlId": self.crawl_id,
            "State": _HISTORY_STATE.get(self.state, CrawlerHistoryState.FAILED),
            "StartTime": self.started_on,
            "Summary": self._summary(),
            "LogGroup": self.log_group,
            "LogStream": self.log_stream,
            "DPUHour": self._dpu_hour(),
        }
        if self.completed_on:
            shape["EndTime"] = self.completed_on
        if self.error_message:
            shape["ErrorMessage"] = self.error_message
        return shape

    def _dpu_hour(self) -> float:
        """No DPU is allocated locally: priced as cost.LOCAL_CRAWLER_DPU for the crawl's duration."""
        end = self.completed_on or self.started_on
        return round(cost.LOCAL_CRAWLER_DPU * (end - self.started_on) / 3600, 6)

    def _summary(self) -> str:
        created, updated, deleted = (n or 0 for n in (self.tables_created, self.tables_updated, self.tables_deleted))
        return (
            f'{{"TABLE":{{"ADD":{{"Count":{created}}},"UPDATE":{{"Count":{updated}}},"DELETE":{{"Count":{deleted}}}}}}}'
        )


@dataclass
class WorkflowRunRecord(_Record):
    """One run of a workflow. Its trigger snapshot, fired triggers and copied node runs are kept beside the body
    by the store (`Store.workflow_run_extras`); Statistics and Graph are computed from its node runs."""

    name: str = field(metadata=_key("Name"))
    workflow_run_id: str = field(metadata=_key("WorkflowRunId"))
    status: WorkflowRunStatus = field(default=WorkflowRunStatus.RUNNING, metadata=_key("Status"))
    previous_run_id: str | None = field(default=None, metadata=_key("PreviousRunId"))
    properties: dict[str, str] = field(default_factory=dict, metadata=_key("WorkflowRunProperties"))
    started_on: float = field(default=0.0, metadata=_key("StartedOn"))
    completed_on: float | None = field(default=None, metadata=_key("CompletedOn"))
    error_message: str | None = field(default=None, metadata=_key("ErrorMessage"))
    starting_event_batch_condition: dict[str, int] | None = field(
        default=None, metadata=_key("StartingEventBatchCondition")
    )

    def __post_init__(self) -> None:
        self.status = WorkflowRunStatus(self.status)

    def to_shape(self, statistics: JSON | None = None, graph: JSON | None = None) -> JSON:
        shape = super().to_shape()
        if statistics is not None:
            shape["Statistics"] = statistics
        if graph is not None:
            shape["Graph"] = graph
        return shape


def job_runs_in_graph(store: Store, run_id: str) -> list[JobRunRecord]:
    """A run's job runs: those copied from the run it resumes first, then its own (so own runs win)."""
    _, _, copied = store.workflow_run_extras(run_id)
    copies = [r for r in (store.job_run(i) for i in copied.get("JobRuns", [])) if r]
    return [JobRunRecord.from_body(r) for r in copies + store.job_runs_of_workflow_run(run_id)]


def crawls_in_graph(store: Store, run_id: str) -> list[CrawlRecord]:
    """A run's crawls, copied ones first (as `job_runs_in_graph`)."""
    _, _, copied = store.workflow_run_extras(run_id)
    copies = [c for c in (store.crawl(i) for i in copied.get("Crawls", [])) if c]
    return [CrawlRecord.from_body(c) for c in copies + store.crawls_of_workflow_run(run_id)]


# ListCrawls reports a CrawlerHistoryState (RUNNING | COMPLETED | FAILED | STOPPED), not the CrawlState.
_HISTORY_STATE = {
    CrawlState.RUNNING: CrawlerHistoryState.RUNNING,
    CrawlState.SUCCEEDED: CrawlerHistoryState.COMPLETED,
    CrawlState.FAILED: CrawlerHistoryState.FAILED,
    CrawlState.CANCELLED: CrawlerHistoryState.STOPPED,
    CrawlState.ERROR: CrawlerHistoryState.FAILED,
}
