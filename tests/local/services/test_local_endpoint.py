"""`glueflow serve` end to end, observed through boto3 only: uploads → Lambda → workflow run → catalog tables;
EVENT batching; schedules; every supported operation's response checked against botocore's service model."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from serve_fixtures import Served, finished_run, wait_for
from shape_validator import shape_problems

from glueflow.local.runtime import supported_operations
from glueflow.local.services.scheduler import AwsSchedule
from glueflow.local.services.watcher import LambdaConsumer, NewObject, s3_event

pytestmark = pytest.mark.slow

CSV = "user_id,page,ms\n1,home,120\n2,cart,340\n3,home,95\n"


def _runs(glue: Any, workflow: str) -> list[dict[str, Any]]:
    return glue.get_workflow_runs(Name=workflow, IncludeGraph=False)["Runs"]


@pytest.fixture(scope="module")
def upload_run(served: Served) -> dict[str, Any]:
    """Drop one CSV under the clicks pipeline's upload prefix and wait for the run the Lambda starts."""
    glue = served.glue()
    workflow = served.workflow("clicks")
    served.drop("incoming/day=2025-01-01/clicks 1.csv", CSV)
    [run] = wait_for(lambda: _runs(glue, workflow), 30, "the Lambda to start a clicks run")
    return finished_run(glue, workflow, run["WorkflowRunId"])


def test_an_upload_starts_the_workflow_through_the_lambda_and_the_tables_appear(
    served: Served, upload_run: dict[str, Any]
) -> None:
    glue = served.glue()
    properties = upload_run["WorkflowRunProperties"]
    assert properties["started_by"] == "s3-event"
    assert properties["source_bucket"] == served.deployment.tfvars.environment.buckets.raw
    assert json.loads(properties["source_keys"]) == ["incoming/day=2025-01-01/clicks 1.csv"]
    # the run completed, every node succeeded, and the job read the Lambda's properties through the endpoint
    assert upload_run["Status"] == "COMPLETED"
    states = {
        node["Name"].rsplit("-", 1)[-1]: (node.get("JobDetails") or node.get("CrawlerDetails"))
        for node in upload_run["Graph"]["Nodes"]
        if node["Type"] != "TRIGGER"
    }
    assert states["landing"]["Crawls"][-1]["State"] == "SUCCEEDED"
    assert states["count"]["JobRuns"][-1]["JobRunState"] == "SUCCEEDED"
    assert json.loads(properties["new_keys"]) == ["incoming/day=2025-01-01/clicks 1.csv"]
    # the crawler's table, with the CSV's columns and the Hive-style partition
    database = served.deployment.tfvars.pipelines["clicks"].database_name
    table = glue.get_table(DatabaseName=database, Name="incoming")["Table"]
    columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
    assert columns == [("user_id", "bigint"), ("page", "string"), ("ms", "bigint")]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["day"]
    [partition] = glue.get_partitions(DatabaseName=database, TableName="incoming")["Partitions"]
    assert partition["Values"] == ["2025-01-01"]


def test_a_redelivered_upload_event_starts_no_second_run(served: Served, upload_run: dict[str, Any]) -> None:
    [consumer] = [c for c in served.services.consumers if isinstance(c, LambdaConsumer)]
    bucket, key = upload_run["WorkflowRunProperties"]["source_bucket"], "incoming/day=2025-01-01/clicks 1.csv"
    path = served.deployment.state_dir / "s3" / bucket / key
    stat = path.stat()
    event = s3_event(NewObject(bucket, key, stat.st_size, stat.st_mtime_ns, path), "us-east-1", "redelivery")
    glue, workflow = served.glue(), served.workflow("clicks")
    before = len(_runs(glue, workflow))

    again = consumer.handler(event, None)

    assert again["started"] == []
    assert again["duplicates"][0]["run_id"] == upload_run["WorkflowRunId"]
    assert len(_runs(glue, workflow)) == before


def test_an_event_trigger_fires_on_batch_size_or_window_and_records_the_condition(served: Served) -> None:
    glue, workflow = served.glue(), served.workflow("bursts")
    earlier = {r["WorkflowRunId"] for r in _runs(glue, workflow)}

    def event_runs() -> list[dict[str, Any]]:  # oldest first
        return [r for r in reversed(_runs(glue, workflow)) if r["WorkflowRunId"] not in earlier]

    served.drop("bursts/a.json", "{}")
    served.drop("bursts/b.json", "{}")
    [by_size] = wait_for(event_runs, 30, "a batch of 2 to start a run")
    served.drop("bursts/c.json", "{}")
    [_, by_window] = wait_for(lambda: len(event_runs()) == 2 and event_runs(), 30, "the 1 s window to close")

    assert by_size["StartingEventBatchCondition"] == {"BatchSize": 2}
    assert by_window["StartingEventBatchCondition"] == {"BatchWindow": 1}
    assert len(json.loads(by_size["WorkflowRunProperties"]["aws:eventIds"])) == 2
    assert len(json.loads(by_window["WorkflowRunProperties"]["aws:eventIds"])) == 1


def test_the_scheduler_starts_a_scheduled_workflow_at_its_fire_time(served: Served) -> None:
    glue, workflow = served.glue(), served.workflow("nightly")
    scheduler = served.services.scheduler
    assert scheduler is not None
    due = scheduler.next_fire_times()[served.deployment.tfvars.pipelines["nightly"].start_trigger().name]
    assert due is not None and (due.hour, due.minute, due.weekday() < 5) == (23, 30, True)

    [run_id] = scheduler.fire_due(due)

    assert run_id in [r["WorkflowRunId"] for r in _runs(glue, workflow)]
    assert finished_run(glue, workflow, run_id)["Status"] == "COMPLETED"
    assert scheduler.next_fire_times()[served.deployment.tfvars.pipelines["nightly"].start_trigger().name] == (
        AwsSchedule("cron(30 23 LW * ? *)").next_after(due)
    )


# --- every supported operation, shapes checked -----------------------------------------------------------------

OperationCall = Callable[[Any, dict[str, Any]], dict[str, Any]]


def _calls(served: Served, upload_run: dict[str, Any]) -> dict[str, OperationCall]:
    """One boto3 call per supported operation, in an order where each finds what it needs."""
    clicks = served.deployment.tfvars.pipelines["clicks"]
    workflow, run_id = clicks.workflow_name, upload_run["WorkflowRunId"]
    job = clicks.jobs["count"].name
    crawler = clicks.crawlers["landing"].name
    trigger = clicks.triggers["crawled"].name
    database = clicks.database_name
    job_node = next(n["UniqueId"] for n in upload_run["Graph"]["Nodes"] if n["Type"] == "JOB")
    job_run_id = next(n for n in upload_run["Graph"]["Nodes"] if n["Type"] == "JOB")["JobDetails"]["JobRuns"][0]["Id"]
    bursts = served.workflow("bursts")
    return {
        "ListWorkflows": lambda g, s: g.list_workflows(),
        "GetWorkflow": lambda g, s: g.get_workflow(Name=workflow, IncludeGraph=True),
        "GetWorkflowRun": lambda g, s: g.get_workflow_run(Name=workflow, RunId=run_id, IncludeGraph=True),
        "GetWorkflowRuns": lambda g, s: g.get_workflow_runs(Name=workflow, IncludeGraph=True),
        "GetWorkflowRunProperties": lambda g, s: g.get_workflow_run_properties(Name=workflow, RunId=run_id),
        "PutWorkflowRunProperties": lambda g, s: g.put_workflow_run_properties(
            Name=workflow, RunId=run_id, RunProperties={"checked": "yes"}
        ),
        "GetJob": lambda g, s: g.get_job(JobName=job),
        "GetJobs": lambda g, s: g.get_jobs(),
        "GetJobRun": lambda g, s: g.get_job_run(JobName=job, RunId=job_run_id),
        "GetJobRuns": lambda g, s: g.get_job_runs(JobName=job),
        "GetJobBookmark": lambda g, s: g.get_job_bookmark(JobName=job),
        "GetCrawler": lambda g, s: g.get_crawler(Name=crawler),
        "GetCrawlers": lambda g, s: g.get_crawlers(),
        "ListCrawls": lambda g, s: g.list_crawls(CrawlerName=crawler),
        "GetCrawlerMetrics": lambda g, s: g.get_crawler_metrics(CrawlerNameList=[crawler]),
        "GetTrigger": lambda g, s: g.get_trigger(Name=trigger),
        "GetTriggers": lambda g, s: g.get_triggers(),
        "StopTrigger": lambda g, s: g.stop_trigger(Name=trigger),
        "StartTrigger": lambda g, s: g.start_trigger(Name=trigger),
        "GetDatabase": lambda g, s: g.get_database(Name=database),
        "GetDatabases": lambda g, s: g.get_databases(),
        "GetTable": lambda g, s: g.get_table(DatabaseName=database, Name="incoming"),
        "GetTables": lambda g, s: g.get_tables(DatabaseName=database),
        "GetPartitions": lambda g, s: g.get_partitions(DatabaseName=database, TableName="incoming"),
        "GetPartition": lambda g, s: g.get_partition(
            DatabaseName=database, TableName="incoming", PartitionValues=_first_partition(g, database)
        ),
        "BatchGetPartition": lambda g, s: g.batch_get_partition(
            DatabaseName=database, TableName="incoming", PartitionsToGet=[{"Values": _first_partition(g, database)}]
        ),
        "GetTableVersions": lambda g, s: g.get_table_versions(DatabaseName=database, TableName="incoming"),
        "CreateTable": lambda g, s: g.create_table(DatabaseName=database, TableInput=_scratch_table("id", "bigint")),
        "UpdateTable": lambda g, s: g.update_table(DatabaseName=database, TableInput=_scratch_table("id", "string")),
        "BatchCreatePartition": lambda g, s: g.batch_create_partition(
            DatabaseName=database,
            TableName="scratch",
            PartitionInputList=[
                {"Values": ["2024-01-01"], "StorageDescriptor": _scratch_table("id", "string")["StorageDescriptor"]}
            ],
        ),
        "SearchTables": lambda g, s: g.search_tables(SearchText="incoming"),
        "ListJobs": lambda g, s: g.list_jobs(),
        "ListCrawlers": lambda g, s: g.list_crawlers(),
        "ListTriggers": lambda g, s: g.list_triggers(),
        "BatchGetJobs": lambda g, s: g.batch_get_jobs(JobNames=[job]),
        "BatchGetWorkflows": lambda g, s: g.batch_get_workflows(Names=[workflow], IncludeGraph=True),
        "BatchGetCrawlers": lambda g, s: g.batch_get_crawlers(CrawlerNames=[crawler]),
        "BatchGetTriggers": lambda g, s: g.batch_get_triggers(TriggerNames=[trigger]),
        "GetTags": lambda g, s: g.get_tags(ResourceArn=f"arn:aws:glue:us-east-1:000000000000:workflow/{workflow}"),
        "StartCrawler": lambda g, s: g.start_crawler(Name=crawler),
        "StartJobRun": lambda g, s: _finished_job_run(g, job, g.start_job_run(JobName=job)),
        "ResumeWorkflowRun": lambda g, s: g.resume_workflow_run(Name=workflow, RunId=run_id, NodeIds=[job_node]),
        "StartWorkflowRun": lambda g, s: s.setdefault("started", g.start_workflow_run(Name=bursts)),
        "StopWorkflowRun": lambda g, s: g.stop_workflow_run(Name=bursts, RunId=s["started"]["RunId"]),
        "ResetJobBookmark": lambda g, s: g.reset_job_bookmark(JobName=job),
    }


def _scratch_table(column: str, type_: str) -> dict[str, Any]:
    """A table a job would create through the catalog API: one column, partitioned by day, on a local folder."""
    return {
        "Name": "scratch",
        "PartitionKeys": [{"Name": "day", "Type": "string"}],
        "StorageDescriptor": {"Columns": [{"Name": column, "Type": type_}], "Location": "s3://scratch-bucket/scratch/"},
    }


def _first_partition(glue: Any, database: str) -> list[str]:
    return list(glue.get_partitions(DatabaseName=database, TableName="incoming")["Partitions"][0]["Values"])


def _finished_job_run(glue: Any, job: str, started: dict[str, Any]) -> dict[str, Any]:
    """Wait for an outside job run to end, so the job (MaxConcurrentRuns 1) is free for the next call."""

    def done() -> bool:
        state = glue.get_job_run(JobName=job, RunId=started["JobRunId"])["JobRun"]["JobRunState"]
        return state not in ("STARTING", "RUNNING", "STOPPING", "WAITING")

    wait_for(done, 30, "the job run to end")
    return started


def test_every_supported_operation_answers_in_botocores_shapes(served: Served, upload_run: dict[str, Any]) -> None:
    glue = served.glue()
    model = botocore.session.get_session().get_service_model("glue")
    bodies: dict[str, Any] = {}

    def capture(http_response: Any, model: Any, **_: Any) -> None:
        bodies[model.name] = json.loads(http_response.content or b"{}")

    glue.meta.events.register("after-call.glue", capture)
    calls = _calls(served, upload_run)
    assert sorted(calls) == supported_operations(), "a supported operation has no call in this test"

    state: dict[str, Any] = {}
    problems = {}
    for name, call in calls.items():
        call(glue, state)
        found = shape_problems(bodies[name], model.operation_model(name).output_shape)
        if found:
            problems[name] = found
    assert problems == {}, json.dumps(problems, indent=1)
    # a few values the shapes cannot tell: the right things came back
    assert served.workflow("clicks") in bodies["ListWorkflows"]["Workflows"]
    assert (
        bodies["GetJobBookmark"]["JobBookmarkEntry"]["JobName"]
        == served.deployment.tfvars.pipelines["clicks"].jobs["count"].name
    )
    assert bodies["ResumeWorkflowRun"]["NodeIds"]
    assert bodies["GetTrigger"]["Trigger"]["Type"] == "CONDITIONAL"
    assert isinstance(bodies["GetWorkflowRun"]["Run"]["StartedOn"], float | int)


def test_an_unsupported_operation_fails_clearly(served: Served) -> None:
    glue = served.glue()

    with pytest.raises(ClientError) as caught:
        glue.create_job(Name="x", Role="r", Command={"Name": "glueetl", "ScriptLocation": "s3://b/k.py"})

    error = caught.value.response["Error"]
    assert error["Code"] == "UnsupportedOperationException"
    assert "CreateJob" in error["Message"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_glue_errors_keep_their_names_and_status(served: Served) -> None:
    glue = served.glue()

    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_workflow(Name="no-such-workflow")
