"""`glueflow run` follows a local run by waiting on the runtime's events: a waiting GetWorkflowRun answers as soon
as the run changes, and only then (or at its timeout); the same request without the wait header is plain Glue."""

from __future__ import annotations

import time

import pytest
from serve_fixtures import Served

from glueflow.aws import LocalGlue
from glueflow.run_changes import change_mark

pytestmark = pytest.mark.slow


def test_a_waiting_get_workflow_run_answers_when_the_run_changes_and_not_before(served: Served) -> None:
    glue = LocalGlue(served.url)
    workflow = served.workflow("clicks")
    run_id = glue.start_workflow_run(Name=workflow, RunProperties={"source_keys": '["wake.csv"]'})["RunId"]
    marks, waits = [], []
    while True:
        run = glue.get_workflow_run(Name=workflow, RunId=run_id, IncludeGraph=True)["Run"]
        marks.append(change_mark(run))
        if run["Status"] in ("COMPLETED", "STOPPED", "ERROR"):
            break
        started = time.monotonic()
        glue.wait_for_change(workflow, run_id, timeout=5.0)
        waits.append(time.monotonic() - started)
        assert len(waits) < 30, "the run never finished"
    assert len(set(marks)) == len(marks) >= 2  # every wake-up brought a change: no empty polls
    assert max(waits) < 5.0  # every wait ended on an event, none at the timeout

    started = time.monotonic()
    glue.wait_for_change(workflow, run_id, timeout=1.0)  # a finished run does not change: the wait times out
    assert 0.9 <= time.monotonic() - started < 4.0
    plain = served.glue().get_workflow_run(Name=workflow, RunId=run_id)["Run"]  # boto3, no wait header
    assert plain["Status"] == "COMPLETED"
