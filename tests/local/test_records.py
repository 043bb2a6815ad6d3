"""The engine's typed run records: they load the bodies the store has always held, render botocore's Glue shapes
without their private fields, and persist back to the same body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.loaders import create_loader
from botocore.model import ServiceModel
from shape_validator import shape_problems

from glueflow.glue import CrawlerHistoryState, CrawlState, JobRunState, WorkflowRunStatus
from glueflow.local.engine.records import CrawlRecord, JobRunRecord, WorkflowRunRecord
from glueflow.local.store import Store

GLUE = ServiceModel(create_loader().load_service_model("glue", "service-2"))

# Bodies exactly as the engine wrote them before records existed (dicts with `_`-prefixed private keys).
OLD_JOB_RUN = {
    "Id": "jr_" + "a" * 64,
    "Attempt": 1,
    "PreviousRunId": "jr_" + "b" * 64,
    "TriggerName": "after_clean",
    "JobName": "transform",
    "StartedOn": 1000.0,
    "LastModifiedOn": 1030.0,
    "CompletedOn": 1030.0,
    "JobRunState": "FAILED",
    "Arguments": {"--WORKFLOW_RUN_ID": "wr_1"},
    "ErrorMessage": "boom",
    "ExecutionTime": 25,
    "Timeout": 2880,
    "GlueVersion": "5.0",
    "WorkerType": "G.1X",
    "NumberOfWorkers": 2,
    "DPUSeconds": 50.0,
    "LogGroupName": "/logs/jobs",
    "_WorkflowRunId": "wr_1",
    "_RunningOn": 1005.0,
}
OLD_CRAWL = {
    "CrawlId": "c-1",
    "CrawlerName": "raw",
    "WorkflowRunId": "wr_1",
    "State": "CANCELLED",
    "StartedOn": 1000.0,
    "CompletedOn": 1036.0,
    "LogGroup": "/logs/crawlers",
    "LogStream": "c-1.log",
    "TablesCreated": 2,
    "TablesUpdated": 1,
    "TablesDeleted": 0,
    "_TriggerName": "start",
}
OLD_WORKFLOW_RUN = {
    "Name": "sales",
    "WorkflowRunId": "wr_1",
    "PreviousRunId": "wr_0",
    "WorkflowRunProperties": {"day": "2026-12-01"},
    "StartedOn": 1000.0,
    "CompletedOn": 1100.0,
    "Status": "COMPLETED",
    "StartingEventBatchCondition": {"BatchSize": 1, "BatchWindow": 900},
}


def _conforms(shape: dict, name: str) -> None:
    assert shape_problems(json.loads(json.dumps(shape)), GLUE.shape_for(name)) == []


@pytest.mark.parametrize(
    ("record_type", "body"),
    [(JobRunRecord, OLD_JOB_RUN), (CrawlRecord, OLD_CRAWL), (WorkflowRunRecord, OLD_WORKFLOW_RUN)],
)
def test_a_body_written_before_records_loads_and_persists_unchanged(record_type: type, body: dict) -> None:
    assert record_type.from_body(body).to_body() == body


def test_a_job_run_renders_glue_s_job_run_without_its_private_fields() -> None:
    record = JobRunRecord.from_body(OLD_JOB_RUN)
    shape = record.to_shape()
    assert record.state is JobRunState.FAILED and record.workflow_run_id == "wr_1"
    assert not [key for key in shape if key.startswith("_")]
    assert shape == {k: v for k, v in OLD_JOB_RUN.items() if not k.startswith("_")}
    _conforms(shape, "JobRun")


def test_finishing_an_attempt_counts_execution_time_from_its_process_start_and_prices_it() -> None:
    record = JobRunRecord(id="jr_x", job_name="transform", started_on=1000.0, worker_type="G.2X", number_of_workers=3)
    record.running_on = 1004.0
    record.finish(JobRunState.SUCCEEDED, now=1014.0)
    assert (record.state, record.execution_time, record.completed_on) == (JobRunState.SUCCEEDED, 10, 1014.0)
    assert record.dpu_seconds == 10 * 3 * 2.0  # ExecutionTime × workers × DPU of a G.2X worker
    assert record.error_message is None and record.finished


def test_a_crawl_renders_glue_s_crawl_and_its_crawler_history() -> None:
    record = CrawlRecord.from_body(OLD_CRAWL)
    assert record.state is CrawlState.CANCELLED
    crawl = record.to_shape()
    assert crawl == {
        "State": "CANCELLED",
        "StartedOn": 1000.0,
        "CompletedOn": 1036.0,
        "LogGroup": "/logs/crawlers",
        "LogStream": "c-1.log",
    }
    _conforms(crawl, "Crawl")
    history = record.to_history_shape()
    assert history["State"] == CrawlerHistoryState.STOPPED  # ListCrawls says STOPPED for a cancelled crawl
    assert json.loads(history["Summary"])["TABLE"]["ADD"]["Count"] == 2
    assert (history["StartTime"], history["EndTime"]) == (1000.0, 1036.0)
    _conforms(history, "CrawlerHistory")


def test_a_workflow_run_renders_glue_s_workflow_run_with_its_statistics() -> None:
    record = WorkflowRunRecord.from_body(OLD_WORKFLOW_RUN)
    assert record.status is WorkflowRunStatus.COMPLETED
    stats = {"TotalActions": 1, "SucceededActions": 1}
    shape = record.to_shape(statistics=stats)
    assert shape["Statistics"] == stats and shape["WorkflowRunProperties"] == {"day": "2026-12-01"}
    _conforms(shape, "WorkflowRun")


def test_the_store_s_recovery_of_a_dead_runtime_s_job_run_still_reads_as_a_record(tmp_path: Path) -> None:
    """A body the store itself rewrites (recovery after a kill -9) loads as a typed record."""
    dead = Store(tmp_path, claim=False)
    running = {**OLD_JOB_RUN, "JobRunState": "RUNNING"}
    for key in ("CompletedOn", "ErrorMessage", "DPUSeconds"):
        running.pop(key)
    dead.put_job_run(running)
    dead.close()
    store = Store(tmp_path)
    try:
        recovered = JobRunRecord.from_body(store.job_run(OLD_JOB_RUN["Id"]) or {})
    finally:
        store.close()
    assert recovered.state is JobRunState.FAILED and recovered.workflow_run_id == "wr_1"
    assert "stopped" in (recovered.error_message or "")
    _conforms(recovered.to_shape(), "JobRun")
