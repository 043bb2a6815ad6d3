"""The read-only lookups users and the Glue console reach for — List*, BatchGet*, GetTags, GetTableVersions,
SearchTables, GetJobRun(PredecessorsIncluded) — through boto3 against the local endpoint, each response checked
against botocore's output shape; and re-provisioning keeps a workflow's CreatedOn before its runs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from glueflow.local.endpoint import start_endpoint
from glueflow.local.provision import deploy
from glueflow.local.runtime import LocalRuntime, glue_model

from .helpers import LocalProject, finished_run, shape_problems

P = "look"
WORKFLOW = "glueflow-local-look"
FIRST, SECOND = "glueflow-local-look-first", "glueflow-local-look-second"
CRAWLER = "glueflow-local-look-landing"
DATABASE = "glueflow_local_look"


@pytest.fixture
def served(local_project: LocalProject) -> Iterator[tuple[LocalRuntime, Any, LocalProject]]:
    p = local_project
    sample = p.root / "pipelines" / "sample_data" / "look.csv"
    sample.parent.mkdir(parents=True)
    sample.write_text("id,amount,customer_name\n1,2.5,ann\n2,3.5,bob\n")
    p.write_pipeline(
        P,
        crawlers={"landing": {"targets": [{"bucket": "raw", "prefix": "landing/"}]}},
        sample_data=[{"bucket": "raw", "key": "landing/look.csv", "file": "sample_data/look.csv"}],
        jobs={"first": p.shell_job(), "second": p.shell_job()},
        triggers={
            "go": {"type": "on_demand", "start": [{"job": "first"}]},
            "next": {
                "type": "conditional",
                "when": {"all": [{"job": "first", "state": "SUCCEEDED"}]},
                "start": [{"job": "second"}],
            },
            "catalog": {
                "type": "conditional",
                "when": {"all": [{"job": "second", "state": "SUCCEEDED"}]},
                "start": [{"crawler": "landing"}],
            },
        },
    )
    runtime = p.runtime(P)
    server = start_endpoint(runtime)
    glue = boto3.client(
        "glue", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    calls: dict[str, Any] = {}
    glue.meta.events.register(
        "after-call.glue",
        lambda http_response, model, **_: (
            calls.update({model.name: http_response}) if http_response.status_code == 200 else None
        ),
    )
    yield runtime, glue, p
    server.shutdown()
    for name, response in calls.items():  # every answer of the test conforms to botocore's output shape
        body = json.loads(response.content or b"{}")
        assert shape_problems(body, glue_model().operation_model(name).output_shape) == [], name


def test_list_calls_page_names_and_filter_by_tags(served: Any) -> None:
    _, glue, _ = served

    assert glue.list_jobs()["JobNames"] == [FIRST, SECOND]
    first_page = glue.list_jobs(MaxResults=1)
    assert first_page["JobNames"] == [FIRST]
    assert glue.list_jobs(NextToken=first_page["NextToken"])["JobNames"] == [SECOND]
    assert glue.list_crawlers()["CrawlerNames"] == [CRAWLER]
    assert sorted(glue.list_triggers()["TriggerNames"]) == [f"{WORKFLOW}-{t}" for t in ("catalog", "go", "next")]
    assert glue.list_triggers(DependentJobName=SECOND)["TriggerNames"] == ["glueflow-local-look-next"]
    # Jobs carry the deployment's tags; workflows, crawlers and triggers also their pipeline's (as in terraform/).
    assert glue.list_jobs(Tags={"glueflow:deployment": "glueflow-local"})["JobNames"] == [FIRST, SECOND]
    assert glue.list_jobs(Tags={"glueflow:pipeline": P})["JobNames"] == []
    assert glue.list_crawlers(Tags={"glueflow:pipeline": P})["CrawlerNames"] == [CRAWLER]
    assert glue.list_crawlers(Tags={"glueflow:pipeline": "other"})["CrawlerNames"] == []


def test_batch_gets_return_what_exists_and_name_what_does_not(served: Any) -> None:
    _, glue, _ = served

    jobs = glue.batch_get_jobs(JobNames=[SECOND, "nope", SECOND])
    assert [j["Name"] for j in jobs["Jobs"]] == [SECOND] and jobs["JobsNotFound"] == ["nope"]
    assert "_tags" not in jobs["Jobs"][0] and jobs["Jobs"][0]["Command"]["Name"] == "pythonshell"
    crawlers = glue.batch_get_crawlers(CrawlerNames=[CRAWLER, "nope"])
    assert [c["Name"] for c in crawlers["Crawlers"]] == [CRAWLER] and crawlers["CrawlersNotFound"] == ["nope"]
    triggers = glue.batch_get_triggers(TriggerNames=["glueflow-local-look-next"])
    assert triggers["Triggers"][0]["Predicate"]["Conditions"][0]["JobName"] == FIRST
    assert triggers["TriggersNotFound"] == []
    workflows = glue.batch_get_workflows(Names=[WORKFLOW, "nope"], IncludeGraph=True)
    assert workflows["MissingWorkflows"] == ["nope"]
    names = {n["Name"] for n in workflows["Workflows"][0]["Graph"]["Nodes"]}
    assert {FIRST, SECOND} <= names


def test_get_tags_by_arn(served: Any) -> None:
    _, glue, _ = served
    arn = "arn:aws:glue:us-east-1:000000000000"

    assert glue.get_tags(ResourceArn=f"{arn}:workflow/{WORKFLOW}")["Tags"] == {
        "glueflow:env": "local",
        "glueflow:managed-by": "glueflow-local",
        "glueflow:deployment": "glueflow-local",
        "glueflow:pipeline": P,
    }
    assert "glueflow:pipeline" not in glue.get_tags(ResourceArn=f"{arn}:job/{FIRST}")["Tags"]
    assert glue.get_tags(ResourceArn=f"{arn}:database/{DATABASE}")["Tags"]["glueflow:deployment"] == "glueflow-local"
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_tags(ResourceArn=f"{arn}:job/nope")


def _crawl(runtime: LocalRuntime) -> None:
    runtime.call("StartCrawler", {"Name": CRAWLER})
    deadline = time.monotonic() + 30
    while runtime.call("GetCrawler", {"Name": CRAWLER})["Crawler"]["State"] != "READY":
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_table_versions_keep_each_schema_and_search_finds_tables_by_text_and_name(served: Any) -> None:
    runtime, glue, project = served
    _crawl(runtime)
    landing = project.state_dir / "s3" / "glueflow-local-raw-000000000000" / "landing" / "look.csv"
    landing.write_text("id,amount,customer_name,discount\n1,2.5,ann,0.5\n")  # a new column: a new table version
    _crawl(runtime)

    versions = glue.get_table_versions(DatabaseName=DATABASE, TableName="landing")["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["1", "0"]
    columns = [[c["Name"] for c in v["Table"]["StorageDescriptor"]["Columns"]] for v in versions]
    assert columns == [["id", "amount", "customer_name", "discount"], ["id", "amount", "customer_name"]]

    assert [t["Name"] for t in glue.search_tables(SearchText="customer")["TableList"]] == ["landing"]
    assert glue.search_tables(SearchText="nothing_like_it")["TableList"] == []
    assert glue.search_tables(SearchText='"customer"')["TableList"] == []  # quoted: a whole value
    assert [t["Name"] for t in glue.search_tables(SearchText='"customer_name"')["TableList"]] == ["landing"]
    by_name = glue.search_tables(Filters=[{"Key": "Name", "Value": "landing"}])["TableList"]
    assert [t["DatabaseName"] for t in by_name] == [DATABASE]
    later = glue.search_tables(
        Filters=[{"Key": "UpdateTime", "Value": str(time.time() + 60), "Comparator": "GREATER_THAN"}]
    )
    assert later["TableList"] == []


def test_get_job_run_with_predecessors_names_the_run_that_started_it(served: Any) -> None:
    runtime, glue, _ = served
    run_id = glue.start_workflow_run(Name=WORKFLOW)["RunId"]
    run = finished_run(runtime, WORKFLOW, run_id)
    runs = {n["Name"]: n["JobDetails"]["JobRuns"] for n in run["Graph"]["Nodes"] if n["Type"] == "JOB"}

    second = glue.get_job_run(JobName=SECOND, RunId=runs[SECOND][0]["Id"], PredecessorsIncluded=True)["JobRun"]
    first = glue.get_job_run(JobName=FIRST, RunId=runs[FIRST][0]["Id"], PredecessorsIncluded=True)["JobRun"]

    assert second["PredecessorRuns"] == [{"JobName": FIRST, "RunId": runs[FIRST][0]["Id"]}]
    assert first["PredecessorRuns"] == []  # started by the on-demand trigger
    assert "PredecessorRuns" not in glue.get_job_run(JobName=SECOND, RunId=runs[SECOND][0]["Id"])["JobRun"]


def test_re_provisioning_keeps_created_on_before_the_last_run(served: Any) -> None:
    runtime, glue, project = served
    before = glue.get_workflow(Name=WORKFLOW)["Workflow"]
    run_id = glue.start_workflow_run(Name=WORKFLOW)["RunId"]
    finished_run(runtime, WORKFLOW, run_id)
    time.sleep(0.05)

    deploy(project.deployment(P))  # `glueflow run` provisions again before every run

    workflow = glue.get_workflow(Name=WORKFLOW)["Workflow"]
    assert workflow["CreatedOn"] == before["CreatedOn"] <= workflow["LastRun"]["StartedOn"]
    assert workflow["LastModifiedOn"] == before["LastModifiedOn"]  # nothing changed
    job = glue.get_job(JobName=FIRST)["Job"]
    assert job["CreatedOn"] <= workflow["LastRun"]["StartedOn"]
