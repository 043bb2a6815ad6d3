"""The golden files are what DuckDB computes from the committed sample data (tests/golden/regenerate.py), so a
changed sample or rule cannot leave a stale golden behind; and the bench's graph arithmetic on a known graph."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.pipelines import failed_nodes, hop_latencies

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
sys.path.insert(0, str(GOLDEN))

from regenerate import golden_tables, to_csv  # noqa: E402


@pytest.mark.parametrize("pipeline", ["customer_purchases", "sales_analytics", "retail_nightly", "covid_hiring"])
def test_golden_files_equal_duckdb_on_the_sample_data(pipeline: str) -> None:
    tables = golden_tables()[pipeline]
    for table, (columns, rows) in tables.items():
        golden = (GOLDEN / pipeline / f"{table}.csv").read_text(encoding="utf-8")
        assert to_csv(columns, rows) == golden, f"run tests/golden/regenerate.py: {pipeline}/{table} is stale"


def test_hop_latency_is_successor_start_minus_last_predecessor_completion() -> None:
    def job(uid: str, started: float, completed: float, state: str = "SUCCEEDED") -> dict:
        run = {"StartedOn": started, "CompletedOn": completed, "JobRunState": state}
        return {"Type": "JOB", "Name": uid, "UniqueId": uid, "JobDetails": {"JobRuns": [run]}}

    graph = {
        "Nodes": [
            {"Type": "TRIGGER", "Name": "start", "UniqueId": "t0"},
            job("a", 0.0, 10.0),
            job("b", 0.0, 12.0, "FAILED"),
            {"Type": "TRIGGER", "Name": "fan_in", "UniqueId": "t1"},
            job("c", 12.5, 20.0),
        ],
        "Edges": [
            {"SourceId": "t0", "DestinationId": "a"},
            {"SourceId": "t0", "DestinationId": "b"},
            {"SourceId": "a", "DestinationId": "t1"},
            {"SourceId": "b", "DestinationId": "t1"},
            {"SourceId": "t1", "DestinationId": "c"},
        ],
    }
    assert hop_latencies(graph) == [pytest.approx(0.5)]
    assert failed_nodes(graph) == ["b FAILED"]


def test_every_pipeline_dq_rule_parses() -> None:
    """A rule typo in a pipeline's params.dq_rules fails here (CI), not at 22:00 in the nightly run."""
    from glueflow.spec import load_deployment
    from glueflow_lib.dq import parse_rules

    checked = 0
    for spec in load_deployment("local", root=GOLDEN.parents[1]).specs.values():
        for job in spec.jobs.values():
            rules = job.params.get("dq_rules", [])
            assert isinstance(rules, list)
            checked += len(parse_rules([str(rule) for rule in rules]))
    assert checked >= 5
