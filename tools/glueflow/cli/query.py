"""`glueflow query`: SQL over the env's Glue Data Catalog (DuckDB locally, Athena on AWS)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from glueflow import query
from glueflow.cli.console import err, out
from glueflow.cli.options import EnvOption
from glueflow.errors import GlueflowError
from glueflow.spec import load_deployment
from glueflow.spec.deployment import Deployment


def athena_workgroup(deployment: Deployment) -> str:
    """The workgroup Terraform creates for the env (module `athena_query`): `<name_prefix>-<env>-query`."""
    environment = deployment.tfvars.environment
    return f"{environment.name_prefix}-{environment.name}-query"


def command(
    sql: Annotated[str, typer.Argument(help="One SELECT; tables are <database>.<table> as in the catalog.")],
    env: EnvOption = "local",
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table (on screen), csv, json or parquet (parquet needs --out).")
    ] = "table",
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the result to this file instead of the screen.")
    ] = None,
) -> None:
    """Run SQL over the env's Glue Data Catalog: DuckDB on the local buckets, Athena on an aws env.

    Every catalog table is a view <database>.<table> over its files and its catalog partitions (partition columns
    included). Only queries run: COPY, ATTACH, INSTALL, LOAD and file functions outside the env's buckets are
    refused. `glueflow query "SHOW ALL TABLES"` lists the tables.

    Examples:
      glueflow query "SELECT order_date, SUM(daily_revenue) FROM glueflow_local_sales_analytics.daily_sales GROUP BY 1"
      glueflow query "SELECT * FROM glueflow_local_customer_purchases.output" --format csv --out build/output.csv
      glueflow query --env dev "SELECT COUNT(*) FROM glueflow_dev_sales_analytics.daily_sales"
    """
    if output_format not in query.FORMATS:
        raise GlueflowError(
            f"--format {output_format!r} is not one of {', '.join(query.FORMATS)}", hint="e.g. --format csv"
        )
    if output_format == "parquet" and out_file is None:
        raise GlueflowError("--format parquet writes a file", hint="add --out result.parquet")
    deployment = load_deployment(env)
    target = query.confined_output(out_file, root=deployment.root, state_dir=deployment.state_dir) if out_file else None
    if deployment.env.kind == "local":  # before any work; Athena checks its own (Trino) SQL
        query.check_read_only(sql)
    result = _run(deployment, sql)
    _emit(result, output_format, target)


def _run(deployment: Deployment, sql: str) -> query.Result:
    from glueflow.aws import api_errors, aws_client, connect_glue

    environment = deployment.tfvars.environment
    with api_errors(environment):
        if environment.kind == "aws":
            return query.run_athena(aws_client("athena", environment), sql, athena_workgroup(deployment))
        with connect_glue(deployment) as connection:
            tables = query.catalog_tables(connection.glue)
    from glueflow.local.s3 import LocalS3

    return query.run_local(query.local_connection(tables, LocalS3(deployment.state_dir)), sql)


def _emit(result: query.Result, output_format: str, target: Path | None) -> None:
    if output_format == "parquet" and target is not None:
        query.write_parquet(result, target)
    elif output_format in ("csv", "json"):
        text = query.to_csv(result) if output_format == "csv" else query.to_json(result)
        if target is None:
            sys.stdout.write(text)
        else:
            target.write_text(text, encoding="utf-8")
    elif target is not None:  # a table into a file: CSV, which is what a file of rows should be
        target.write_text(query.to_csv(result), encoding="utf-8")
    else:
        out.print(_table(result))
    if target is not None:
        err.print(f"{len(result.rows)} row(s) written to {target}")


def _table(result: query.Result) -> Table:
    table = Table(header_style="bold", caption=f"{len(result.rows)} row(s)")
    numeric = ("INT", "DOUBLE", "FLOAT", "DECIMAL", "BIGINT", "HUGEINT", "REAL")
    for column, kind in zip(result.columns, result.types, strict=True):
        table.add_column(column, justify="right" if kind.upper().startswith(numeric) else "left", overflow="fold")
    for row in result.rows:
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: Any) -> str:
    return "NULL" if value is None else str(query.plain(value))
