"""Glue API output shapes built from the store: workflow runs with statistics and graph, job runs, crawls,
crawlers, and paging. Every shape here matches botocore's AWSGlue model (timestamps are epoch seconds)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from glueflow.dag import WorkflowGraph
from glueflow.glue import CrawlerState, CrawlState, JobRunState, NodeType
from glueflow.local import errors
from glueflow.local.definitions import public
from glueflow.local.engine.records import (
    CrawlRecord,
    JobRunRecord,
    WorkflowRunRecord,
    crawls_in_graph,
    job_runs_in_graph,
)
from glueflow.local.store import Store

JSON = dict[str, Any]

# WorkflowRunStatistics counters by the node's final state.
_JOB_STAT = {
    JobRunState.SUCCEEDED: "SucceededActions",
    JobRunState.FAILED: "FailedActions",
    JobRunState.TIMEOUT: "TimeoutActions",
    JobRunState.STOPPED: "StoppedActions",
    JobRunState.ERROR: "ErroredActions",
    JobRunState.EXPIRED: "ErroredActions",
    JobRunState.WAITING: "WaitingActions",
}
_CRAWL_STAT = {
    CrawlState.SUCCEEDED: "SucceededActions",
    CrawlState.FAILED: "FailedActions",
    CrawlState.CANCELLED: "StoppedActions",
    CrawlState.ERROR: "ErroredActions",
}


def job_run_shape(body: JSON) -> JSON:
    """GetJobRun(s)' JobRun from a stored job-run body."""
    return JobRunRecord.from_body(body).to_shape()


def crawler_history_shape(body: JSON) -> JSON:
    """ListCrawls' CrawlerHistory from a stored crawl body."""
    return CrawlRecord.from_body(body).to_history_shape()


def _final_attempts(job_runs: list[JobRunRecord]) -> list[JobRunRecord]:
    """One entry per action: a retried run counts once, by its last attempt."""
    retried = {r.previous_run_id for r in job_runs}
    return [r for r in job_runs if r.id not in retried]


def statistics(job_runs: list[JobRunRecord], crawls: list[CrawlRecord]) -> JSON:
    stats = dict.fromkeys(
        (
            "TotalActions",
            "TimeoutActions",
            "FailedActions",
            "StoppedActions",
            "SucceededActions",
            "RunningActions",
            "ErroredActions",
            "WaitingActions",
        ),
        0,
    )
    for job_run in _final_attempts(job_runs):
        stats["TotalActions"] += 1
        stats[_JOB_STAT.get(job_run.state, "RunningActions")] += 1
    for crawl in crawls:
        stats["TotalActions"] += 1
        stats[_CRAWL_STAT.get(crawl.state, "RunningActions")] += 1
    return stats


def workflow_run_shape(store: Store, run: WorkflowRunRecord | JSON, include_graph: bool) -> JSON:
    """GetWorkflowRun(s)' WorkflowRun: the record's shape with Statistics (and Graph) from its node runs; `run` is a
    record or a stored body."""
    record = run if isinstance(run, WorkflowRunRecord) else WorkflowRunRecord.from_body(run)
    job_runs = job_runs_in_graph(store, record.workflow_run_id)
    crawls = crawls_in_graph(store, record.workflow_run_id)
    graph = None
    if include_graph:
        snapshot, _, _ = store.workflow_run_extras(record.workflow_run_id)
        graph = graph_shape(snapshot["Triggers"], job_runs, crawls)
    return record.to_shape(statistics(job_runs, crawls), graph)


def graph_shape(
    triggers: list[JSON], job_runs: list[JobRunRecord] | None = None, crawls: list[CrawlRecord] | None = None
) -> JSON:
    graph = WorkflowGraph.from_triggers(triggers)
    by_name = {t["Name"]: t for t in triggers}
    shaped = []
    for node in graph.nodes:
        item: JSON = {"Type": node.type, "Name": node.name, "UniqueId": node.id}
        if node.is_trigger:
            item["TriggerDetails"] = {"Trigger": public(by_name[node.name])}
        elif node.type == NodeType.JOB:
            runs = [r.to_shape() for r in (job_runs or []) if r.job_name == node.name]
            item["JobDetails"] = {"JobRuns": runs} if job_runs is not None else {}
        else:
            runs = [c.to_shape() for c in (crawls or []) if c.crawler_name == node.name]
            item["CrawlerDetails"] = {"Crawls": runs} if crawls is not None else {}
        shaped.append(item)
    return {"Nodes": shaped, "Edges": [{"SourceId": s.id, "DestinationId": d.id} for s, d in graph.edges]}


def crawler_shape(store: Store, crawler: JSON) -> JSON:
    shape = public(crawler)
    crawls = [CrawlRecord.from_body(c) for c in store.crawls(crawler["Name"])]
    if crawls and crawls[0].state == CrawlState.RUNNING:
        shape["State"] = CrawlerState.RUNNING
    finished = [c for c in crawls if c.state != CrawlState.RUNNING]
    if finished:
        last = finished[0]
        # LastCrawlStatus is SUCCEEDED | CANCELLED | FAILED (an ERROR crawl reports FAILED).
        status = last.state if last.state in (CrawlState.SUCCEEDED, CrawlState.CANCELLED) else CrawlState.FAILED
        shape["LastCrawl"] = {
            "Status": status,
            "LogGroup": last.log_group,
            "LogStream": last.log_stream,
            "MessagePrefix": last.crawl_id,
            "StartTime": last.started_on,
        }
        if last.error_message:
            shape["LastCrawl"]["ErrorMessage"] = last.error_message
        ended = last.completed_on if last.completed_on is not None else last.started_on
        shape["CrawlElapsedTime"] = int(1000 * (ended - last.started_on))
    return shape


def crawler_metrics(store: Store, name: str) -> JSON:
    crawls = [CrawlRecord.from_body(c) for c in store.crawls(name)]
    finished = [c for c in crawls if c.state != CrawlState.RUNNING and c.completed_on]
    durations = sorted(c.completed_on - c.started_on for c in finished if c.completed_on)
    last = finished[0] if finished else None
    return {
        "CrawlerName": name,
        "TimeLeftSeconds": 0.0,
        "StillEstimating": bool(crawls) and crawls[0].state == CrawlState.RUNNING,
        "LastRuntimeSeconds": (last.completed_on - last.started_on) if last and last.completed_on else 0.0,
        "MedianRuntimeSeconds": durations[len(durations) // 2] if durations else 0.0,
        "TablesCreated": (last.tables_created or 0) if last else 0,
        "TablesUpdated": (last.tables_updated or 0) if last else 0,
        "TablesDeleted": (last.tables_deleted or 0) if last else 0,
    }


def page(items: list[Any], params: JSON, default_size: int = 100) -> tuple[list[Any], str | None]:
    """Offset-based NextToken paging (the token is opaque to clients, as Glue's is)."""
    token = params.get("NextToken")
    start = _token_offset(token) if token else 0
    size = int(params.get("MaxResults") or default_size)
    chunk = items[start : start + size]
    end = start + size
    next_token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return chunk, next_token


def paged(
    key: str, items: list[Any], params: JSON, default_size: int = 100, shape: Callable[[Any], Any] | None = None
) -> JSON:
    """A List/Get* response: one page of `items` under `key` (each through `shape`), and NextToken if more."""
    chunk, token = page(items, params, default_size)
    response: JSON = {key: [shape(i) for i in chunk] if shape else chunk}
    if token:
        response["NextToken"] = token
    return response


def _token_offset(token: str) -> int:
    """The offset a NextToken of ours encodes; anything else is InvalidInputException, as on Glue."""
    try:
        offset = int(base64.urlsafe_b64decode(token.encode("ascii")).decode("ascii"))
    except (ValueError, UnicodeError, binascii.Error):
        raise errors.invalid_input("Invalid NextToken: it was not returned by a previous call") from None
    if offset < 0:
        raise errors.invalid_input("Invalid NextToken: it was not returned by a previous call")
    return offset
