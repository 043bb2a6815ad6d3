"""The Glue-shaped API and the loopback endpoint, through a real boto3 Glue client."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from glueflow.local.endpoint import start_endpoint
from glueflow.local.errors import GlueApiError
from glueflow.local.runtime import LocalRuntime, glue_model

from .helpers import LocalProject, shape_problems

P = "api"
WORKFLOW = "glueflow-local-api"
CRAWLER = "glueflow-local-api-landing"


@pytest.fixture
def runtime(local_project: LocalProject) -> LocalRuntime:
    p = local_project
    sample = p.root / "pipelines" / "sample_data" / "api.csv"
    sample.parent.mkdir(parents=True)
    sample.write_text("id,amount,ok\n1,2.5,true\n2,3.5,false\n")
    p.write_pipeline(
        P,
        workflow={"default_run_properties": {"owner": "tests"}},
        crawlers={"landing": {"targets": [{"bucket": "raw", "prefix": "landing/"}]}},
        sample_data=[{"bucket": "raw", "key": "landing/year=2024/api.csv", "file": "sample_data/api.csv"}],
        jobs={"first": p.shell_job(), "second": p.shell_job("fail", max_retries=1)},
        triggers={
            "go": {"type": "on_demand", "start": [{"job": "first"}]},
            "next": {
                "type": "conditional",
                "when": {"all": [{"job": "first", "state": "SUCCEEDED"}]},
                "start": [{"job": "second"}],
            },
            "catalog": {  # never fires in these tests: "second" always fails
                "type": "conditional",
                "when": {"all": [{"job": "second", "state": "SUCCEEDED"}]},
                "start": [{"crawler": "landing"}],
            },
        },
    )
    return p.runtime(P)


@pytest.fixture
def glue(runtime: LocalRuntime):
    server = start_endpoint(runtime)
    client = boto3.client(
        "glue",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    yield client
    server.shutdown()


def _wait(glue, run_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = glue.get_workflow_run(Name=WORKFLOW, RunId=run_id, IncludeGraph=True)["Run"]
        if run["Status"] not in ("RUNNING", "STOPPING"):
            return run
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.1)


def test_boto3_runs_a_workflow_and_reads_glue_shaped_results(glue) -> None:
    assert glue.list_workflows()["Workflows"] == [WORKFLOW]
    run_id = glue.start_workflow_run(Name=WORKFLOW, RunProperties={"batch": "b1"})["RunId"]
    run = _wait(glue, run_id)

    assert run["Status"] == "COMPLETED" and run["WorkflowRunProperties"] == {"owner": "tests", "batch": "b1"}
    assert run["CompletedOn"] >= run["StartedOn"], "timestamps arrive as datetimes"
    stats = run["Statistics"]
    assert (stats["TotalActions"], stats["SucceededActions"], stats["FailedActions"]) == (2, 1, 1)
    nodes = {n["Name"]: n for n in run["Graph"]["Nodes"]}
    assert {n["Type"] for n in nodes.values()} == {"TRIGGER", "JOB", "CRAWLER"}
    assert nodes[CRAWLER]["CrawlerDetails"]["Crawls"] == []
    second = nodes["glueflow-local-api-second"]["JobDetails"]["JobRuns"]
    assert [(r["Attempt"], r["JobRunState"]) for r in second] == [(0, "FAILED"), (1, "FAILED")]
    ids = {n["UniqueId"]: n["Name"] for n in nodes.values()}
    edges = {(ids[e["SourceId"]], ids[e["DestinationId"]]) for e in run["Graph"]["Edges"]}
    assert edges == {
        ("glueflow-local-api-go", "glueflow-local-api-first"),
        ("glueflow-local-api-first", "glueflow-local-api-next"),
        ("glueflow-local-api-next", "glueflow-local-api-second"),
        ("glueflow-local-api-second", "glueflow-local-api-catalog"),
        ("glueflow-local-api-catalog", CRAWLER),
    }
    job_runs = glue.get_job_runs(JobName="glueflow-local-api-second")["JobRuns"]
    assert job_runs[0]["ErrorMessage"] == "RuntimeError: second failed on purpose"
    assert glue.get_workflow(Name=WORKFLOW, IncludeGraph=True)["Workflow"]["LastRun"]["WorkflowRunId"] == run_id


def test_errors_arrive_with_glue_exception_names(glue) -> None:
    with pytest.raises(ClientError) as error:
        glue.get_workflow(Name="no-such-workflow")
    assert error.value.response["Error"]["Code"] == "EntityNotFoundException"
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.start_job_run(JobName="no-such-job")


def test_an_unsupported_operation_is_named_in_the_error(glue) -> None:
    with pytest.raises(ClientError) as error:
        glue.create_job(Name="x", Role="r", Command={"Name": "glueetl"})
    assert error.value.response["Error"]["Code"] == "UnsupportedOperationException"
    assert "CreateJob" in error.value.response["Error"]["Message"]


def test_the_endpoint_takes_only_aws_json_posts_on_loopback(runtime: LocalRuntime) -> None:
    server = start_endpoint(runtime)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(server.url + "/", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=5)
        assert error.value.code == 400
        assert json.loads(error.value.read())["__type"] == "UnknownOperationException"
    finally:
        server.shutdown()
    with pytest.raises(ValueError):
        start_endpoint(runtime, host="0.0.0.0")


def test_requests_are_checked_against_botocores_model(runtime: LocalRuntime) -> None:
    with pytest.raises(GlueApiError) as error:
        runtime.call("GetWorkflowRun", {"Name": WORKFLOW})
    assert error.value.code == "InvalidInputException" and "RunId" in error.value.message


def test_every_result_matches_botocores_output_shapes(runtime: LocalRuntime) -> None:
    run_id = runtime.call("StartWorkflowRun", {"Name": WORKFLOW})["RunId"]
    runtime.engine.wait_for_workflow_run(run_id, 60)
    database = runtime.store.databases()[0]["Name"]
    calls = {
        "GetWorkflowRun": {"Name": WORKFLOW, "RunId": run_id, "IncludeGraph": True},
        "GetWorkflowRuns": {"Name": WORKFLOW},
        "GetWorkflow": {"Name": WORKFLOW, "IncludeGraph": True},
        "GetWorkflowRunProperties": {"Name": WORKFLOW, "RunId": run_id},
        "ListWorkflows": {},
        "GetJob": {"JobName": "glueflow-local-api-first"},
        "GetJobs": {},
        "GetJobRuns": {"JobName": "glueflow-local-api-second"},
        "GetTriggers": {},
        "GetTrigger": {"Name": "glueflow-local-api-next"},
        "GetDatabase": {"Name": database},
        "GetDatabases": {},
        "GetTables": {"DatabaseName": database},
        "GetCrawlers": {},
    }
    runtime.call("StartCrawler", {"Name": CRAWLER})
    deadline = time.monotonic() + 30
    while runtime.call("GetCrawler", {"Name": CRAWLER})["Crawler"]["State"] != "READY":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert runtime.call("GetCrawler", {"Name": CRAWLER})["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
    calls.update(
        {
            "GetCrawler": {"Name": CRAWLER},
            "ListCrawls": {"CrawlerName": CRAWLER},
            "GetCrawlerMetrics": {},
            "GetTable": {"DatabaseName": database, "Name": "landing"},
            "GetPartitions": {"DatabaseName": database, "TableName": "landing"},
        }
    )
    model = glue_model()
    for operation, params in calls.items():
        result = runtime.call(operation, params)
        problems = shape_problems(result, model.operation_model(operation).output_shape, operation)
        assert problems == [], problems


def test_a_crawl_catalogs_the_sample_data_with_types_and_partitions(runtime: LocalRuntime) -> None:
    runtime.call("StartCrawler", {"Name": CRAWLER})
    deadline = time.monotonic() + 30
    while runtime.call("GetCrawler", {"Name": CRAWLER})["Crawler"]["State"] != "READY":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    database = "glueflow_local_api"
    table = runtime.call("GetTable", {"DatabaseName": database, "Name": "landing"})["Table"]
    columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
    assert columns == [("id", "bigint"), ("amount", "double"), ("ok", "boolean")]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["year"]
    (crawl,) = runtime.call("ListCrawls", {"CrawlerName": CRAWLER})["Crawls"]
    assert crawl["State"] == "COMPLETED" and '"ADD":{"Count":1}' in crawl["Summary"]
    assert crawl["DPUHour"] == pytest.approx((crawl["EndTime"] - crawl["StartTime"]) / 3600, abs=1e-6)  # 1 DPU
    metrics = runtime.call("GetCrawlerMetrics", {"CrawlerNameList": [CRAWLER]})["CrawlerMetricsList"]
    assert metrics[0]["TablesCreated"] == 1
