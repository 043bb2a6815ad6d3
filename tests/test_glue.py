"""glueflow.glue spells Glue's vocabulary once for Python; the Terraform modules spell it again in HCL. These tests
hold the two together (and the vocabulary to botocore's Glue model), so changing one side fails until the other
follows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore.session
import pytest

from glueflow.glue import (
    EVENT_BATCH_SIZE,
    EVENT_BATCH_WINDOW_SECONDS,
    FINAL_CRAWL_STATES,
    FINAL_JOB_RUN_STATES,
    JOB_KINDS,
    WATCHABLE_CRAWL_STATES,
    WATCHABLE_JOB_STATES,
    WORKER_DPU,
    CrawlState,
    JobKindName,
    JobRunState,
    TriggerState,
    TriggerType,
    WorkerType,
    WorkflowRunStatus,
)

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_GRAPH = REPO / "modules" / "workflow_graph"
GLUE_JOB = REPO / "modules" / "glue_job"


def _api_enum(shape: str) -> set[str]:
    return set(botocore.session.get_session().get_service_model("glue").shape_for(shape).enum)


def _hcl_list(text: str, pattern: str) -> list[str]:
    """The items of the HCL list literal that `pattern` (one group around the list's body) finds."""
    match = re.search(pattern, text)
    assert match, f"no match for {pattern!r}"
    return [item.strip().strip('"') for item in match.group(1).split(",")]


@pytest.mark.parametrize(
    ("enum", "shape"),
    [
        (JobRunState, "JobRunState"),
        (CrawlState, "CrawlState"),
        (WorkflowRunStatus, "WorkflowRunStatus"),
        (TriggerType, "TriggerType"),
        (WorkerType, "WorkerType"),
    ],
)
def test_states_are_values_of_glues_api_enums(enum: type, shape: str) -> None:
    assert {member.value for member in enum} <= _api_enum(shape)


def test_trigger_states_and_watchable_states_are_glues() -> None:
    assert {s.value for s in TriggerState} <= _api_enum("TriggerState")
    assert set(WATCHABLE_JOB_STATES) <= _api_enum("JobRunState")
    assert set(WATCHABLE_CRAWL_STATES) <= _api_enum("CrawlState")
    assert set(WATCHABLE_JOB_STATES) <= FINAL_JOB_RUN_STATES
    assert set(WATCHABLE_CRAWL_STATES) <= FINAL_CRAWL_STATES


def test_states_compare_and_serialise_as_their_strings() -> None:
    assert JobRunState.SUCCEEDED == "SUCCEEDED"
    assert json.dumps({"State": CrawlState.CANCELLED}) == '{"State": "CANCELLED"}'
    assert "TIMEOUT" in FINAL_JOB_RUN_STATES


def test_worker_dpu_per_type() -> None:
    assert {t.value: t.dpu for t in WorkerType} == {"G.025X": 0.25, "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8}
    assert set(WORKER_DPU) == set(WorkerType)


def test_job_kind_table_is_what_specs_accept() -> None:
    from typing import get_args

    assert set(get_args(JobKindName)) == set(JOB_KINDS)


def test_glue_job_module_validates_the_same_kinds_worker_types_and_capacities() -> None:
    text = (GLUE_JOB / "variables.tf").read_text(encoding="utf-8")
    assert _hcl_list(text, r"contains\(\[([^\]]*)\], j\.type\)") == list(JOB_KINDS)
    assert _hcl_list(text, r"contains\(\[([^\]]*)\], coalesce\(j\.worker_type") == [t.value for t in WorkerType]
    versions = sorted({v for kind in JOB_KINDS.values() for v in kind.glue_versions})
    assert _hcl_list(text, r"contains\(\[([^\]]*)\], j\.glue_version\)") == versions
    capacities = [float(c) for c in _hcl_list(text, r"contains\(\[([^\]]*)\], coalesce\(j\.max_capacity")]
    assert capacities == list(JOB_KINDS["pythonshell"].max_capacities)


def test_workflow_graph_module_batches_events_with_the_same_defaults_and_limits() -> None:
    main = (WORKFLOW_GRAPH / "main.tf").read_text(encoding="utf-8")
    assert re.search(rf"batch_size\s*=\s*coalesce\(t\.batch_size, {EVENT_BATCH_SIZE.default}\)", main)
    assert re.search(
        rf"batch_window\s*=\s*coalesce\(t\.batch_window_seconds, {EVENT_BATCH_WINDOW_SECONDS.default}\)", main
    )
    variables = (WORKFLOW_GRAPH / "variables.tf").read_text(encoding="utf-8")
    for name, limits in (("batch_size", EVENT_BATCH_SIZE), ("batch_window_seconds", EVENT_BATCH_WINDOW_SECONDS)):
        bounds = rf"coalesce\(t\.{name}, {limits.default}\) >= {limits.low} && coalesce\(t\.{name}, {limits.default}\) <= {limits.high}"
        assert re.search(bounds, variables), f"{name}: {limits} not in workflow_graph's validation"
