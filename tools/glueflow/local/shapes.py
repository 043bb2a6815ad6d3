"""Glue API output shapes built from the store: workflow runs with statistics and graph, job runs, crawls,
crawlers, and paging. Every shape here matches botocore's AWSGlue model (timestamps are epoch seconds)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from glueflow import cost
from glueflow.dag import WorkflowGraph
from glueflow.glue import CrawlerHistoryState, CrawlerState, CrawlState, JobRunState, NodeType
from glueflow.local import errors
from glueflow.local.definitions import public
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
# ListCrawls reports a CrawlerHistoryState (RUNNING | COMPLETED | FAILED | STOPPED), not the CrawlState.
_HISTORY_STATE = {
    CrawlState.RUNNING: CrawlerHistoryState.RUNNING,
    CrawlState.SUCCEEDED: CrawlerHistoryState.COMPLETED,
    CrawlState.FAILED: CrawlerHistoryState.FAILED,
    CrawlState.CANCELLED: CrawlerHistoryState.STOPPED,
    CrawlState.ERROR: CrawlerHistoryState.FAILED,
}


def job_run_shape(job_run: JSON) -> JSON:
    return public(job_run)


def graph_crawl_shape(crawl: JSON) -> JSON:
    keys = ("State", "StartedOn", "CompletedOn", "ErrorMessage", "LogGroup", "LogStream")
    return {k: crawl[k] for k in keys if crawl.get(k) is not None}


def crawler_history_shape(crawl: JSON) -> JSON:
    shape = {
        "CrawlId": crawl["CrawlId"],
        "State": _HISTORY_STATE.get(crawl["State"], CrawlerHistoryState.FAILED),
        "StartTime": crawl["StartedOn"],
        "Summary": _summary(crawl),
        "LogGroup": crawl["LogGroup"],
        "LogStream": crawl["LogStream"],
        "DPUHour": _dpu_hour(crawl),
    }
    if crawl.get("CompletedOn"):
        shape["EndTime"] = crawl["CompletedOn"]
    if crawl.get("ErrorMessage"):
        shape["ErrorMessage"] = crawl["ErrorMessage"]
    return shape


def _dpu_hour(crawl: JSON) -> float:
    """DPU-hours the crawl used (no DPU is allocated locally: priced as cost.LOCAL_CRAWLER_DPU for its duration)."""
    end = crawl.get("CompletedOn") or crawl["StartedOn"]
    return round(cost.LOCAL_CRAWLER_DPU * (end - crawl["StartedOn"]) / 3600, 6)


def _summary(crawl: JSON) -> str:
    created, updated, deleted = (crawl.get(k, 0) for k in ("TablesCreated", "TablesUpdated", "TablesDeleted"))
    return f'{{"TABLE":{{"ADD":{{"Count":{created}}},"UPDATE":{{"Count":{updated}}},"DELETE":{{"Count":{deleted}}}}}}}'


def _final_attempts(job_runs: list[JSON]) -> list[JSON]:
    """One entry per action: a retried run counts once, by its last attempt."""
    retried = {r.get("PreviousRunId") for r in job_runs}
    return [r for r in job_runs if r["Id"] not in retried]


def statistics(job_runs: list[JSON], crawls: list[JSON]) -> JSON:
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
        stats[_JOB_STAT.get(job_run["JobRunState"], "RunningActions")] += 1
    for crawl in crawls:
        stats["TotalActions"] += 1
        stats[_CRAWL_STAT.get(crawl["State"], "RunningActions")] += 1
    return stats


def workflow_run_shape(store: Store, run: JSON, include_graph: bool) -> JSON:
    snapshot, _, copied = store.workflow_run_extras(run["WorkflowRunId"])
    job_runs = [r for r in (store.job_run(i) for i in copied.get("JobRuns", [])) if r]
    job_runs += store.job_runs_of_workflow_run(run["WorkflowRunId"])
    crawls = [c for c in (store.crawl(i) for i in copied.get("Crawls", [])) if c]
    crawls += store.crawls_of_workflow_run(run["WorkflowRunId"])
    shape = {**public(run), "Statistics": statistics(job_runs, crawls)}
    if include_graph:
        shape["Graph"] = graph_shape(snapshot["Triggers"], job_runs, crawls)
    return shape


def graph_shape(triggers: list[JSON], job_runs: list[JSON] | None = None, crawls: list[JSON] | None = None) -> JSON:
    graph = WorkflowGraph.from_triggers(triggers)
    by_name = {t["Name"]: t for t in triggers}
    shaped = []
    for node in graph.nodes:
        item: JSON = {"Type": node.type, "Name": node.name, "UniqueId": node.id}
        if node.is_trigger:
            item["TriggerDetails"] = {"Trigger": public(by_name[node.name])}
        elif node.type == NodeType.JOB:
            runs = [job_run_shape(r) for r in (job_runs or []) if r["JobName"] == node.name]
            item["JobDetails"] = {"JobRuns": runs} if job_runs is not None else {}
        else:
            runs = [graph_crawl_shape(c) for c in (crawls or []) if c["CrawlerName"] == node.name]
            item["CrawlerDetails"] = {"Crawls": runs} if crawls is not None else {}
        shaped.append(item)
    return {"Nodes": shaped, "Edges": [{"SourceId": s.id, "DestinationId": d.id} for s, d in graph.edges]}


def crawler_shape(store: Store, crawler: JSON) -> JSON:
    shape = public(crawler)
    crawls = store.crawls(crawler["Name"])
    if crawls and crawls[0]["State"] == CrawlState.RUNNING:
        shape["State"] = CrawlerState.RUNNING
    finished = [c for c in crawls if c["State"] != CrawlState.RUNNING]
    if finished:
        last = finished[0]
        # LastCrawlStatus is SUCCEEDED | CANCELLED | FAILED (an ERROR crawl reports FAILED).
        status = last["State"] if last["State"] in (CrawlState.SUCCEEDED, CrawlState.CANCELLED) else CrawlState.FAILED
        shape["LastCrawl"] = {
            "Status": status,
            "LogGroup": last["LogGroup"],
            "LogStream": last["LogStream"],
            "MessagePrefix": last["CrawlId"],
            "StartTime": last["StartedOn"],
        }
        if last.get("ErrorMessage"):
            shape["LastCrawl"]["ErrorMessage"] = last["ErrorMessage"]
        shape["CrawlElapsedTime"] = int(1000 * (last.get("CompletedOn", last["StartedOn"]) - last["StartedOn"]))
    return shape


def crawler_metrics(store: Store, name: str) -> JSON:
    finished = [c for c in store.crawls(name) if c["State"] != CrawlState.RUNNING and c.get("CompletedOn")]
    durations = sorted(c["CompletedOn"] - c["StartedOn"] for c in finished)
    last = finished[0] if finished else {}
    running = any(c["State"] == CrawlState.RUNNING for c in store.crawls(name)[:1])
    return {
        "CrawlerName": name,
        "TimeLeftSeconds": 0.0,
        "StillEstimating": running,
        "LastRuntimeSeconds": (last["CompletedOn"] - last["StartedOn"]) if last else 0.0,
        "MedianRuntimeSeconds": durations[len(durations) // 2] if durations else 0.0,
        "TablesCreated": last.get("TablesCreated", 0),
        "TablesUpdated": last.get("TablesUpdated", 0),
        "TablesDeleted": last.get("TablesDeleted", 0),
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
