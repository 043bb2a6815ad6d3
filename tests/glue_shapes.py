"""Glue API responses built the way Glue shapes them, for tests of the client-side logic (botocore's Stubber
checks each one against the service model before the code under test sees it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2025, 1, 1, 2, 0, tzinfo=UTC)
WORKFLOW = "glueflow-dev-customer-purchases"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def trigger_node(name: str) -> dict[str, Any]:
    return {
        "Type": "TRIGGER",
        "Name": f"{WORKFLOW}-{name}",
        "UniqueId": f"t-{name}",
        "TriggerDetails": {"Trigger": {"Name": f"{WORKFLOW}-{name}", "WorkflowName": WORKFLOW}},
    }


def crawler_node(name: str, *crawls: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "CRAWLER",
        "Name": f"{WORKFLOW}-{name}",
        "UniqueId": f"c-{name}",
        "CrawlerDetails": {"Crawls": list(crawls)},
    }


def crawl(state: str, start: float, end: float | None = None, error: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"State": state, "StartedOn": at(start)}
    if end is not None:
        item["CompletedOn"] = at(end)
    if error:
        item["ErrorMessage"] = error
    return item


def job_node(name: str, *runs: dict[str, Any]) -> dict[str, Any]:
    return {"Type": "JOB", "Name": f"{WORKFLOW}-{name}", "UniqueId": f"j-{name}", "JobDetails": {"JobRuns": list(runs)}}


def job_run(
    name: str, attempt: int, state: str, start: float, end: float | None = None, error: str | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Id": f"jr_{name}_{attempt}",
        "Attempt": attempt,
        "JobName": f"{WORKFLOW}-{name}",
        "JobRunState": state,
        "StartedOn": at(start),
        "LogGroupName": "/aws-glue/jobs",
    }
    if end is not None:
        item["CompletedOn"] = at(end)
        item["ExecutionTime"] = int(end - start)
    if error:
        item["ErrorMessage"] = error
    return item


EDGES = [
    {"SourceId": "t-daily", "DestinationId": "c-source"},
    {"SourceId": "c-source", "DestinationId": "t-source-crawled"},
    {"SourceId": "t-source-crawled", "DestinationId": "j-map-purchases"},
    {"SourceId": "j-map-purchases", "DestinationId": "t-purchases-mapped"},
    {"SourceId": "t-purchases-mapped", "DestinationId": "c-target"},
]


def workflow_run(
    run_id: str, status: str, nodes: list[dict[str, Any]], end: float | None = None, **extra: Any
) -> dict[str, Any]:
    """A `GetWorkflowRun` response for the customer_purchases graph (crawler → job → crawler)."""
    triggers = [trigger_node(n) for n in ("daily", "source-crawled", "purchases-mapped")]
    run: dict[str, Any] = {
        "Name": WORKFLOW,
        "WorkflowRunId": run_id,
        "Status": status,
        "StartedOn": T0,
        "Statistics": {"TotalActions": 3, "SucceededActions": 0, "FailedActions": 0, "RunningActions": 1},
        "Graph": {"Nodes": [*reversed(nodes), *triggers], "Edges": EDGES},
        **extra,
    }
    if end is not None:
        run["CompletedOn"] = at(end)
    return {"Run": run}


# The customer_purchases run at its stages (run id wr_0001).
RUNNING = workflow_run("wr_0001", "RUNNING", [crawler_node("source", crawl("RUNNING", 0)), job_node("map-purchases")])
CRAWLED = workflow_run(
    "wr_0001",
    "RUNNING",
    [
        crawler_node("source", crawl("SUCCEEDED", 0, 30)),
        job_node("map-purchases", job_run("map-purchases", 0, "RUNNING", 31)),
    ],
)
JOB_FAILED_TWICE = workflow_run(
    "wr_0001",
    "COMPLETED",
    [
        crawler_node("source", crawl("SUCCEEDED", 0, 30)),
        job_node(
            "map-purchases",
            job_run("map-purchases", 1, "FAILED", 40, 45, "ValueError: bad row"),
            job_run("map-purchases", 0, "FAILED", 31, 39, "ValueError: bad row"),
        ),
        crawler_node("target"),
    ],
    end=46,
)
ALL_SUCCEEDED = workflow_run(
    "wr_0001",
    "COMPLETED",
    [
        crawler_node("source", crawl("SUCCEEDED", 0, 30)),
        job_node("map-purchases", job_run("map-purchases", 0, "SUCCEEDED", 31, 90)),
        crawler_node("target", crawl("SUCCEEDED", 91, 120)),
    ],
    end=121,
)
