"""`glueflow query --env dev` runs in the env's Athena workgroup and prints like the local path.

moto plays Athena's API (the workgroup, the query lifecycle, results injected through moto's documented
`athena/query-results` hook; it runs no SQL): this covers the client side — workgroup, polling, header row, types,
output formats — not Athena's engine."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
import requests
from moto import mock_aws

from glueflow.cli.main import main

REGION, WORKGROUP = "eu-west-1", "glueflow-dev-query"
SQL = "SELECT order_date, SUM(daily_revenue) AS revenue FROM glueflow_dev_sales_analytics.daily_sales GROUP BY 1"


def _column(name: str, kind: str) -> dict[str, Any]:
    return {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": name, "Label": name, "Type": kind,
            "Precision": 0, "Scale": 0, "Nullable": "UNKNOWN", "CaseSensitive": False}  # fmt: skip


@pytest.fixture
def athena(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for key, value in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        client = boto3.client("athena", region_name=REGION)
        client.create_work_group(
            Name=WORKGROUP, Configuration={"ResultConfiguration": {"OutputLocation": "s3://temp/athena-results/"}}
        )
        rows = [["order_date", "revenue"], ["2024-01-15", "109.97"], ["2024-01-16", "109.96"]]
        results = {
            "account_id": "123456789012",
            "region": REGION,
            "results": [
                {
                    "rows": [{"Data": [{"VarCharValue": v} for v in row]} for row in rows],
                    "column_info": [_column("order_date", "varchar"), _column("revenue", "double")],
                }
            ],
        }
        requests.post("http://motoapi.amazonaws.com/moto-api/static/athena/query-results", json=results, timeout=5)
        yield client


def _query(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> str:
    monkeypatch.setenv("GLUEFLOW_ROOT", str(root))
    monkeypatch.setattr(sys, "argv", ["glueflow", "query", "--env", "dev", SQL, *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code in (0, None)
    return capsys.readouterr().out


def test_an_aws_env_queries_in_its_workgroup_and_prints_the_rows(
    athena: Any, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    printed = _query(monkeypatch, capsys, project, "--format", "csv")

    assert printed.splitlines() == ["order_date,revenue", "2024-01-15,109.97", "2024-01-16,109.96"]
    (execution_id,) = athena.list_query_executions(WorkGroup=WORKGROUP)["QueryExecutionIds"]
    execution = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
    assert (execution["Query"], execution["WorkGroup"]) == (SQL, WORKGROUP)


def test_athena_results_keep_their_types_in_parquet(
    athena: Any, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _query(monkeypatch, capsys, project, "--format", "parquet", "--out", str(project / "result.parquet"))

    relation = duckdb.connect().sql(f"SELECT * FROM '{project / 'result.parquet'}' ORDER BY 1")
    assert [str(t) for t in relation.types] == ["VARCHAR", "DOUBLE"]
    assert relation.fetchall() == [("2024-01-15", 109.97), ("2024-01-16", 109.96)]
