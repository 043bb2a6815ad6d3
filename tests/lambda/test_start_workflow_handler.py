"""The S3-event Lambda against moto's S3 and Glue: runs started, filters, idempotency, malformed input, retries."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws

WORKFLOW = "glueflow-dev-sales"
RAW = "glueflow-dev-raw-111111111111"
MARKERS = "glueflow-dev-temp-111111111111"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL_GLUE", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        glue = boto3.client("glue", region_name="us-east-1")
        s3.create_bucket(Bucket=MARKERS)
        glue.create_workflow(Name=WORKFLOW, DefaultRunProperties={"environment": "dev"})
        yield {"s3": s3, "glue": glue}


def _settings(handler_module: ModuleType, **overrides: Any) -> Any:
    values = {
        "workflow_name": WORKFLOW,
        "key_prefix": "incoming/",
        "key_suffix": ".csv",
        "idempotency_bucket": MARKERS,
        "idempotency_prefix": "idempotency/start/",
    }
    return handler_module.Settings(**{**values, **overrides})


def _s3_markers(handler_module: ModuleType, aws: dict[str, Any]) -> Any:
    return handler_module.S3Markers(aws["s3"], MARKERS, "idempotency/start/")


def _runs(aws: dict[str, Any]) -> list[dict[str, Any]]:
    return aws["glue"].get_workflow_runs(Name=WORKFLOW)["Runs"]


def test_object_created_starts_the_workflow_with_run_properties_naming_the_object(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    event = s3_event((RAW, "incoming/day+1/sales%3D2025.csv", "v1"))

    result = handler_module.handle(event, _settings(handler_module), aws["glue"], _s3_markers(handler_module, aws))

    [started] = result["started"]
    assert started["keys"] == ["incoming/day 1/sales=2025.csv"]  # '+' and %3D decoded as S3 encodes keys
    run = aws["glue"].get_workflow_run(Name=WORKFLOW, RunId=started["run_id"])["Run"]
    properties = run["WorkflowRunProperties"]
    assert properties["source_bucket"] == RAW
    assert properties["source_key"] == "incoming/day 1/sales=2025.csv"
    assert json.loads(properties["source_keys"]) == ["incoming/day 1/sales=2025.csv"]
    assert json.loads(properties["source_versions"]) == ["v1"]
    assert all(isinstance(v, str) for v in properties.values())
    assert result["duplicates"] == result["errors"] == []


def test_a_redelivered_event_starts_no_second_run(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    event = s3_event((RAW, "incoming/a.csv", "v1"))
    settings, markers = _settings(handler_module), _s3_markers(handler_module, aws)

    first = handler_module.handle(event, settings, aws["glue"], markers)
    second = handler_module.handle(event, settings, aws["glue"], markers)

    assert len(_runs(aws)) == 1
    assert second["started"] == []
    [duplicate] = second["duplicates"]
    assert duplicate["key"] == "incoming/a.csv"
    assert duplicate["state"] == "started"
    assert duplicate["run_id"] == first["started"][0]["run_id"]


def test_a_new_version_of_the_same_key_starts_a_new_run(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    settings, markers = _settings(handler_module), _s3_markers(handler_module, aws)

    handler_module.handle(s3_event((RAW, "incoming/a.csv", "v1")), settings, aws["glue"], markers)
    handler_module.handle(s3_event((RAW, "incoming/a.csv", "v2")), settings, aws["glue"], markers)

    assert len(_runs(aws)) == 2


def test_many_records_start_one_run_naming_every_new_key(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    event = s3_event((RAW, "incoming/a.csv", "v1"), (RAW, "incoming/b.csv", "v1"), (RAW, "incoming/a.csv", "v1"))

    result = handler_module.handle(event, _settings(handler_module), aws["glue"], _s3_markers(handler_module, aws))

    [run] = _runs(aws)
    assert json.loads(run["WorkflowRunProperties"]["source_keys"]) == ["incoming/a.csv", "incoming/b.csv"]
    assert run["WorkflowRunProperties"]["source_object_count"] == "2"
    assert result["started"][0]["keys"] == ["incoming/a.csv", "incoming/b.csv"]


def test_keys_outside_the_prefix_or_suffix_and_other_events_are_skipped(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    event = s3_event((RAW, "other/a.csv", "v1"), (RAW, "incoming/a.json", "v1"), (RAW, "incoming/", "v1"))
    event["Records"] += s3_event((RAW, "incoming/gone.csv", "v1"), event_name="ObjectRemoved:Delete")["Records"]

    result = handler_module.handle(event, _settings(handler_module), aws["glue"], _s3_markers(handler_module, aws))

    assert _runs(aws) == []
    reasons = {item["key"]: item["reason"] for item in result["skipped"]}
    assert reasons == {
        "other/a.csv": "key is outside prefix 'incoming/'",
        "incoming/a.json": "key does not end with '.csv'",
        "incoming/": "folder placeholder",
        "incoming/gone.csv": "event ObjectRemoved:Delete is not ObjectCreated",
    }


@pytest.mark.parametrize(
    "event",
    [
        None,
        "not an event",
        {},
        {"Records": "nope"},
        {"Records": [{"eventName": "ObjectCreated:Put"}]},
        {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": RAW}, "object": {}}}]},
        {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": RAW}, "object": {"key": "k"}}}]},
    ],
    ids=["none", "string", "empty", "records-not-a-list", "no-s3", "no-key", "no-version"],
)
def test_a_malformed_event_is_logged_and_rejected_without_raising(
    handler_module: ModuleType, aws: dict[str, Any], event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="start_workflow")

    result = handler_module.handle(event, _settings(handler_module), aws["glue"], _s3_markers(handler_module, aws))

    assert _runs(aws) == []
    assert result["started"] == []
    [error] = result["errors"]
    assert "malformed" in error["reason"]
    logged = [json.loads(r.getMessage()) for r in caplog.records]
    assert any(line["reason"] == error["reason"] for line in logged)


def test_a_malformed_record_does_not_stop_the_good_ones(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    event = s3_event((RAW, "incoming/good.csv", "v1"))
    event["Records"].insert(0, {"eventName": "ObjectCreated:Put"})

    result = handler_module.handle(event, _settings(handler_module), aws["glue"], _s3_markers(handler_module, aws))

    assert len(result["errors"]) == 1
    assert result["started"][0]["keys"] == ["incoming/good.csv"]


def test_the_s3_test_event_is_skipped(handler_module: ModuleType, aws: dict[str, Any]) -> None:
    event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": RAW}

    result = handler_module.handle(event, _settings(handler_module), aws["glue"], _s3_markers(handler_module, aws))

    assert result["errors"] == [] and len(result["skipped"]) == 1


def test_a_failed_start_releases_the_marker_so_the_retry_starts_the_run(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    settings = _settings(handler_module, workflow_name="not-created-yet")
    markers = _s3_markers(handler_module, aws)
    event = s3_event((RAW, "incoming/a.csv", "v1"))

    with pytest.raises(handler_module.WorkflowStartError, match="not-created-yet"):
        handler_module.handle(event, settings, aws["glue"], markers)
    aws["glue"].create_workflow(Name="not-created-yet")
    retried = handler_module.handle(event, settings, aws["glue"], markers)

    assert len(retried["started"]) == 1
    assert len(aws["glue"].get_workflow_runs(Name="not-created-yet")["Runs"]) == 1


def test_a_fresh_pending_marker_is_retried_and_one_past_its_lease_is_taken_over(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    """Finding 3: a crashed invocation leaves "pending". Within the lease another invocation may still own it, so
    the handler raises (Lambda retries) instead of calling it a duplicate; past the lease, the claim is taken over."""
    markers = _s3_markers(handler_module, aws)
    obj = handler_module.S3Object(RAW, "incoming/a.csv", "v1", 1)
    markers.create(handler_module.marker_name(obj), {"state": "pending", "claimed_at": 1000.0})
    event = s3_event((RAW, "incoming/a.csv", "v1"))
    settings = _settings(handler_module, stale_seconds=45)

    with pytest.raises(handler_module.ClaimInFlight):
        handler_module.handle(event, settings, aws["glue"], markers, now=lambda: 1030.0)
    retried = handler_module.handle(event, settings, aws["glue"], markers, now=lambda: 1046.0)

    assert len(retried["started"]) == 1 and retried["duplicates"] == []
    assert len(_runs(aws)) == 1


def test_the_lease_is_shorter_than_the_function_timeout_and_glue_calls_fit_in_it(handler_module: ModuleType) -> None:
    """Finding 3: Lambda retries a timed-out invocation only after the timeout, so a lease below the timeout has
    expired by then; and one bounded StartWorkflowRun fits inside the lease."""
    main_tf = (Path(__file__).resolve().parents[2] / "modules" / "lambda_starter" / "main.tf").read_text()
    assert "IDEMPOTENCY_STALE_SECONDS = var.settings.timeout_seconds - 10" in main_tf
    config = handler_module.GLUE_CONFIG
    attempts = config.retries["total_max_attempts"]
    assert attempts * (config.connect_timeout + config.read_timeout) <= handler_module.GLUE_CALL_BUDGET_SECONDS
    assert handler_module.GLUE_CALL_BUDGET_SECONDS < handler_module.DEFAULT_STALE_SECONDS < 60


def test_a_claim_too_old_to_start_safely_is_released_for_the_retry(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    markers = _s3_markers(handler_module, aws)
    event = s3_event((RAW, "incoming/slow.csv", "v1"))
    settings = _settings(handler_module, stale_seconds=45)
    clock = iter([1000.0, 1030.0, 1030.0])  # claimed at 1000; by the start 30 s went by (slow S3 calls)

    with pytest.raises(handler_module.WorkflowStartError, match="lease"):
        handler_module.handle(event, settings, aws["glue"], markers, now=lambda: next(clock))
    marker = markers.get(handler_module.marker_name(handler_module.S3Object(RAW, "incoming/slow.csv", "v1", 1)))
    assert marker.body["state"] == "released" and _runs(aws) == []
    again = handler_module.handle(event, settings, aws["glue"], markers, now=lambda: 1100.0)
    assert len(again["started"]) == 1


def test_a_corrupt_marker_is_taken_over_not_dead_lettered(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any]
) -> None:
    """Finding 9: a marker that is not JSON made every delivery fail (and end in the dead letters)."""
    markers = _s3_markers(handler_module, aws)
    obj = handler_module.S3Object(RAW, "incoming/c.csv", "v1", 1)
    aws["s3"].put_object(Bucket=markers.bucket, Key=markers.prefix + handler_module.marker_name(obj), Body=b"{trunc")
    result = handler_module.handle(
        s3_event((RAW, "incoming/c.csv", "v1")), _settings(handler_module), aws["glue"], markers
    )
    assert len(result["started"]) == 1 and len(_runs(aws)) == 1


def test_file_markers_give_the_same_idempotency(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any], tmp_path: Path
) -> None:
    markers = handler_module.DirectoryMarkers(tmp_path / "markers")
    settings = _settings(handler_module, idempotency_bucket=None, idempotency_dir=str(tmp_path / "markers"))
    event = s3_event((RAW, "incoming/a.csv", "v1"))

    handler_module.handle(event, settings, aws["glue"], markers)
    again = handler_module.handle(event, settings, aws["glue"], markers)

    assert len(_runs(aws)) == 1
    assert again["duplicates"][0]["state"] == "started"


def test_concurrent_claims_of_one_object_version_have_one_winner(handler_module: ModuleType, tmp_path: Path) -> None:
    markers = handler_module.DirectoryMarkers(tmp_path)
    obj = handler_module.S3Object(RAW, "incoming/a.csv", "v1", 1)
    winners: list[bool] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(8)

    def contend() -> None:
        barrier.wait()
        try:
            winners.append(handler_module.claim(markers, obj, 900, 0.0).duplicate_of is None)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert winners.count(True) == 1


def test_run_properties_stay_strings_and_cut_a_huge_key_list(handler_module: ModuleType) -> None:
    objects = [handler_module.S3Object(RAW, f"incoming/{'x' * 200}-{i}.csv", f"v{i}", 1) for i in range(200)]

    properties = handler_module.run_properties(RAW, objects)

    assert len(properties["source_keys"]) <= handler_module.MAX_PROPERTY_CHARS
    assert properties["source_keys_truncated"] == "true"
    assert properties["source_object_count"] == "200"
    assert len(json.loads(properties["source_keys"])) == len(json.loads(properties["source_versions"]))


def test_lambda_handler_reads_its_configuration_from_the_environment(
    handler_module: ModuleType, s3_event: Any, aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKFLOW_NAME", WORKFLOW)
    monkeypatch.setenv("KEY_PREFIX", "incoming/")
    monkeypatch.setenv("KEY_SUFFIX", ".csv")
    monkeypatch.setenv("IDEMPOTENCY_BUCKET", MARKERS)
    monkeypatch.setenv("IDEMPOTENCY_PREFIX", "idempotency/start")
    monkeypatch.setattr(handler_module, "_handler", None)

    result = handler_module.lambda_handler(s3_event((RAW, "incoming/a.csv", "v1")), None)

    assert len(result["started"]) == 1
    listed = aws["s3"].list_objects_v2(Bucket=MARKERS, Prefix="idempotency/start/")
    [marker] = listed["Contents"]
    body = json.loads(aws["s3"].get_object(Bucket=MARKERS, Key=marker["Key"])["Body"].read())
    assert body["state"] == "started" and body["key"] == "incoming/a.csv"


def test_missing_configuration_is_a_clear_error(handler_module: ModuleType) -> None:
    with pytest.raises(ValueError, match="WORKFLOW_NAME"):
        handler_module.Settings.from_environ({})
    with pytest.raises(ValueError, match="IDEMPOTENCY_BUCKET"):
        handler_module.Settings.from_environ({"WORKFLOW_NAME": WORKFLOW})
