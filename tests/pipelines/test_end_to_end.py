"""Every reference pipeline end to end on the embedded runtime (what `make run PIPELINE=<name>` does): the
workflow completes with every node SUCCEEDED and the outputs equal the golden files; a data-quality failure in
retail_nightly routes to the error handler and still refreshes the dashboard (ANY). Marked slow: ~3 minutes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from benchmarks.pipelines import failed_nodes, run_workflow
from pipelines.conftest import SAMPLES, read_golden

pytestmark = [pytest.mark.slow, pytest.mark.spark]
REPO = Path(__file__).resolve().parents[2]


class Env:
    def __init__(self, deployment: Any, runtime: Any) -> None:
        self.deployment, self.runtime = deployment, runtime
        from glueflow.local.s3 import LocalS3

        self.s3 = LocalS3(deployment.state_dir)
        self.buckets = deployment.tfvars.environment.buckets

    def path(self, bucket: str, key: str) -> Path:
        return Path(self.s3.local_path(f"s3://{self.buckets.by_logical_name(bucket)}/{key}"))

    def run(self, pipeline: str) -> dict[str, Any]:
        _, run = run_workflow(self.runtime, self.deployment.tfvars.pipelines[pipeline].workflow_name, timeout=600)
        return run

    def states(self, run: dict[str, Any]) -> dict[str, str]:
        """{logical node name: final state or NOT RUN} of a run's graph."""
        from benchmarks.pipelines import _node_times

        logical = {}
        for pipeline in self.deployment.tfvars.pipelines.values():
            logical.update({node.name: key for key, node in {**pipeline.jobs, **pipeline.crawlers}.items()})
        nodes = [n for n in run["Graph"]["Nodes"] if n["Type"] != "TRIGGER"]
        return {logical.get(n["Name"], n["Name"]): _node_times(n)[2] or "NOT RUN" for n in nodes}

    def node(self, run: dict[str, Any], pipeline: str, job: str) -> dict[str, Any]:
        name = self.deployment.tfvars.pipelines[pipeline].jobs[job].name
        return next(n for n in run["Graph"]["Nodes"] if n["Name"] == name)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    from glueflow.local import provision
    from glueflow.local.runtime import LocalRuntime
    from glueflow.spec import load_deployment

    root = tmp_path_factory.mktemp("e2e")
    for folder in ("pipelines", "envs", "glue_jobs"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    # Outside pytest's 0700 tmp tree: as root, the local PostgreSQL runs as an unprivileged user.
    state = Path(tempfile.mkdtemp(prefix="glueflow-e2e-"))
    previous = os.environ.get("GLUEFLOW_STATE_DIR")
    os.environ["GLUEFLOW_STATE_DIR"] = str(state)
    deployment = load_deployment("local", root=root)
    provision.deploy(deployment)
    runtime = LocalRuntime.for_deployment(deployment)
    try:
        yield Env(deployment, runtime)
    finally:
        runtime.close()
        shutil.rmtree(state, ignore_errors=True)
        if previous is None:
            os.environ.pop("GLUEFLOW_STATE_DIR", None)
        else:
            os.environ["GLUEFLOW_STATE_DIR"] = previous


def _parquet(path: Path, order: str) -> list[dict[str, str]]:
    cursor = duckdb.connect().execute(
        f"SELECT * EXCLUDE (filename) FROM read_parquet('{path}/**/*.parquet', hive_partitioning = true, "
        f"filename = true) ORDER BY {order}"
    )
    names = [d[0] for d in cursor.description]
    return [{k: str(v) for k, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _assert_golden(rows: list[dict[str, str]], pipeline: str, table: str, money: tuple[str, ...] = ()) -> None:
    golden = read_golden(pipeline, table)
    assert len(rows) == len(golden)
    for got, expected in zip(rows, golden, strict=True):
        for column, value in expected.items():
            if column in money:
                assert float(got[column]) == pytest.approx(float(value), abs=0.0100001), (column, expected)
            else:
                assert got[column] == value, (column, expected, got)


def test_customer_purchases_runs_end_to_end(env: Env) -> None:
    run = env.run("customer_purchases")
    assert set(env.states(run).values()) == {"SUCCEEDED"} and not failed_nodes(run["Graph"])
    _assert_golden(_parquet(env.path("processed", "output"), "customer_id"), "customer_purchases", "output")


@pytest.fixture(scope="module")
def sales_run(env: Env) -> dict[str, Any]:
    return env.run("sales_analytics")


def test_sales_analytics_runs_end_to_end_and_quarantines_the_invalid_file(env: Env, sales_run: dict[str, Any]) -> None:
    run = sales_run
    assert set(env.states(run).values()) == {"SUCCEEDED"}
    output = env.path("processed", "sales_analytics")
    _assert_golden(
        _parquet(output / "daily_sales", "order_date, region"), "sales_analytics", "daily_sales", ("daily_revenue",)
    )
    _assert_golden(
        _parquet(output / "customer_metrics", "customer_id"),
        "sales_analytics",
        "customer_metrics",
        ("total_spent", "avg_order_value"),
    )
    quarantine = _parquet(env.path("processed", "quarantine/sales_analytics/sales"), "order_id")
    invalid = [r for r in quarantine if r["_source_file"].endswith("invalid_data.csv")]
    assert [r["_quarantine_reason"] for r in invalid] == ["malformed line (expected 7 fields): invalid,data,format"]
    assert len(quarantine) == 5


def test_glueflow_query_sums_daily_sales_like_duckdb_on_the_sample_data_and_partitions_filter(
    env: Env, sales_run: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's example, through the CLI against this env's endpoint (announced as `glueflow serve` does)."""
    import sys

    from benchmarks.duckdb_reference import sales_tables
    from glueflow.aws import local_client, write_endpoint_file
    from glueflow.cli.main import main

    url = env.runtime.endpoint_url()
    write_endpoint_file(env.deployment.state_dir, url)
    sql = "SELECT order_date, SUM(daily_revenue) FROM glueflow_local_sales_analytics.daily_sales GROUP BY 1 ORDER BY 1"
    monkeypatch.setenv("GLUEFLOW_ROOT", str(env.deployment.root))
    monkeypatch.setattr(sys, "argv", ["glueflow", "query", sql, "--format", "csv"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main()
    printed = capsys.readouterr().out.splitlines()

    sample = SAMPLES / "sales_analytics"
    files = sorted(p for p in sample.glob("sales_data*.csv"))
    _, daily = sales_tables(duckdb.connect(), files, sample / "customer_data.csv")["daily_sales"]
    expected: dict[str, float] = {}
    for order_date, _region, revenue, *_ in daily:
        expected[str(order_date)] = expected.get(str(order_date), 0.0) + revenue
    assert exited.value.code in (0, None) and printed[0] == "order_date,sum(daily_revenue)"
    got = {line.split(",")[0]: float(line.split(",")[1]) for line in printed[1:]}
    assert got.keys() == expected.keys() and len(got) == 6
    for day, revenue in expected.items():
        assert got[day] == pytest.approx(revenue, abs=0.0100001)

    glue = local_client("glue", url, "us-east-1")
    partitions = glue.get_partitions(
        DatabaseName="glueflow_local_sales_analytics",
        TableName="daily_sales",
        Expression="order_date >= '2024-01-16'",
    )["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == sorted(d for d in expected if d >= "2024-01-16")


def test_retail_nightly_runs_end_to_end_then_a_dq_failure_routes_to_the_error_handler(env: Env) -> None:
    run = env.run("retail_nightly")
    states = env.states(run)
    assert states.pop("handle_errors") == "NOT RUN" and set(states.values()) == {"SUCCEEDED"}
    output = env.path("processed", "retail_nightly")
    _assert_golden(
        _parquet(output / "daily_revenue", "sale_date, region, channel"),
        "retail_nightly",
        "daily_revenue",
        ("revenue",),
    )
    assert json.loads((output / "dashboard" / "latest.json").read_text())["status"] == "fresh"

    duplicate = "S-1001,ST09,P100,1,12.50,2024-03-04,north\n"
    env.path("raw", "retail_nightly/store_sales/late.csv").write_text(
        (SAMPLES / "retail_nightly" / "store_sales.csv").read_text().splitlines()[0] + "\n" + duplicate
    )
    failed = env.run("retail_nightly")
    assert env.states(failed) == {
        "store_sales": "SUCCEEDED",
        "online_orders": "SUCCEEDED",
        "clean_sales": "FAILED",
        "aggregate_sales": "NOT RUN",
        "handle_errors": "SUCCEEDED",
        "refresh_dashboard": "SUCCEEDED",
    }
    clean = env.node(failed, "retail_nightly", "clean_sales")
    assert "is_unique(order_id)" in clean["JobDetails"]["JobRuns"][-1]["ErrorMessage"]
    incident = json.loads((output / "incidents" / f"{failed['WorkflowRunId']}.json").read_text())
    assert incident["failed_job"] == "clean_sales"
    dashboard = json.loads((output / "dashboard" / "latest.json").read_text())
    assert dashboard["status"] == "stale" and dashboard["incident"].endswith(f"{failed['WorkflowRunId']}.json")
    properties = env.runtime.call(
        "GetWorkflowRunProperties", {"Name": failed["Name"], "RunId": failed["WorkflowRunId"]}
    )["RunProperties"]
    assert properties["clean_status"] == "FAILED"


def test_covid_hiring_runs_end_to_end_into_postgresql(env: Env) -> None:
    import psycopg

    from glueflow_lib.warehouse import local_postgres

    run = env.run("covid_hiring")
    assert set(env.states(run).values()) == {"SUCCEEDED"}
    _assert_golden(
        _parquet(env.path("processed", "covid_hiring/covid_hiring"), "date"),
        "covid_hiring",
        "covid_hiring",
        ("avg_hiring_rate",),
    )
    golden = read_golden("covid_hiring", "covid_hiring")
    with local_postgres(env.deployment.state_dir / "warehouse") as uri, psycopg.connect(uri) as conn:
        count, deaths = conn.execute("SELECT count(*), max(total_deaths) FROM public.covid_hiring").fetchone()
    assert (count, deaths) == (len(golden), max(int(r["total_deaths"]) for r in golden))
