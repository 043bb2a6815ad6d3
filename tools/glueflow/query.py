"""`glueflow query`: SQL over an env's Glue Data Catalog — DuckDB on the local buckets, Athena on AWS.

Locally every catalog table (read through the Glue API, as any client would) becomes a DuckDB view
`"<database>"."<table>"` over the files at its location: one branch per catalog partition, with the partition
columns as constants cast to their catalog types, so a query sees exactly the partitions the catalog has (as Athena
does) and DuckDB prunes the branches a WHERE on a partition column rules out.

The SQL is the user's, so it gets no more reach than the catalog: only one read-only statement (SELECT / WITH /
VALUES / EXPLAIN) is accepted, and before it runs DuckDB is locked (`enable_external_access = false`,
`allowed_directories` = the env's local S3 folder, extension installing and loading off, `lock_configuration`), so
`read_csv('/etc/passwd')`, COPY … TO, ATTACH, INSTALL and LOAD fail inside DuckDB whatever the SQL says.
Results are written by glueflow itself (never by SQL), to a path `confined_output` accepted.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from glueflow.errors import GlueflowError

FORMATS = ("table", "csv", "json", "parquet")
_READ_ONLY = ("SELECT", "EXPLAIN")
# Hive / Glue column types → DuckDB; anything else is read as text.
_TYPES = {
    "string": "VARCHAR",
    "char": "VARCHAR",
    "varchar": "VARCHAR",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "binary": "BLOB",
}


@dataclass(frozen=True)
class Result:
    columns: list[str]
    types: list[str]  # DuckDB type names (Athena's types are mapped to them)
    rows: list[tuple[Any, ...]]


# --- the catalog, through the Glue API ----------------------------------------------------------------------


def paged(call: Any, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a NextToken-paged Glue list call."""
    while True:
        response = call(**params)
        yield from response.get(key, [])
        token = response.get("NextToken")
        if not token:
            return
        params["NextToken"] = token


def catalog_tables(glue: Any) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(table, its partitions) for every table of every database in the catalog."""
    found = []
    for database in paged(glue.get_databases, "DatabaseList"):
        for table in paged(glue.get_tables, "TableList", DatabaseName=database["Name"]):
            partitions: list[dict[str, Any]] = []
            if table.get("PartitionKeys"):
                partitions = list(
                    paged(glue.get_partitions, "Partitions", DatabaseName=database["Name"], TableName=table["Name"])
                )
            found.append((table, partitions))
    return found


# --- DuckDB views ---------------------------------------------------------------------------------------------


def duckdb_type(glue_type: str) -> str:
    text = glue_type.strip().lower()
    if text.startswith("decimal"):
        return text.upper()
    return _TYPES.get(re.split(r"[(<]", text, maxsplit=1)[0], "VARCHAR")


def identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def data_files(folder: Path) -> list[Path]:
    """Files under a table or partition location, skipping what Athena and Spark skip (`_SUCCESS`, `.crc`,
    `_temporary/`): names starting with `_` or `.`; and symbolic links."""
    if folder.is_file():
        return [folder]
    files = []
    for directory, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith(("_", ".")))
        # A link could point anywhere on the machine: only real files of the bucket folder are data.
        files += [
            Path(directory) / n
            for n in sorted(names)
            if not n.startswith(("_", ".")) and not (Path(directory) / n).is_symlink()
        ]
    return files


def _reader(spec: dict[str, Any], files: list[Path]) -> str:
    paths = "[" + ", ".join(literal(str(f)) for f in files) + "]"
    columns = "{" + ", ".join(f"{literal(c['Name'])}: {literal(duckdb_type(c['Type']))}" for c in spec["columns"]) + "}"
    if spec["format"] == "parquet":
        return f"read_parquet({paths}, union_by_name = true, hive_partitioning = false)"
    if spec["format"] == "json":
        return f"read_json({paths}, format = 'newline_delimited', columns = {columns}, hive_partitioning = false)"
    options = spec["options"]
    extra = "".join(
        f", {name} = {literal(options[key])}"
        for key, name in (("sep", "delim"), ("quote", "quote"), ("escape", "escape"))
        if key in options
    )
    header = "true" if options.get("header") == "true" else "false"
    fixed = f"header = {header}, columns = {columns}, auto_detect = false, hive_partitioning = false"
    return f"read_csv({paths}, {fixed}{extra})"


def view_sql(spec: dict[str, Any], s3_root: Path) -> str | None:
    """The SELECT behind one table's view; None for a format DuckDB cannot read here (ORC, Avro)."""
    if spec["format"] not in ("parquet", "csv", "json"):
        return None
    keys = spec["partition_keys"]
    sources = [(p["location"], p["values"]) for p in spec["partitions"]] if keys else [(spec["location"], [])]
    branches = []
    for location, values in sources:
        folder = Path(location).resolve()
        if not folder.is_relative_to(s3_root):  # a location outside the env's buckets is never read
            continue
        files = data_files(folder) if folder.exists() else []
        if not files:
            continue
        constants = "".join(
            f", CAST({literal(v)} AS {duckdb_type(k['Type'])}) AS {identifier(k['Name'])}"
            for k, v in zip(keys, values, strict=False)
        )
        branches.append(f"SELECT *{constants} FROM {_reader(spec, files)}")
    if branches:
        return " UNION ALL BY NAME ".join(branches)
    typed = [*spec["columns"], *keys]
    return (
        "SELECT "
        + ", ".join(f"CAST(NULL AS {duckdb_type(c['Type'])}) AS {identifier(c['Name'])}" for c in typed)
        + " LIMIT 0"
    )


def check_read_only(sql: str) -> None:
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise GlueflowError(f"the SQL does not parse: {exc}") from exc
    if len(statements) != 1:
        raise GlueflowError(
            f"give one statement, not {len(statements)}", hint="run them one `glueflow query` at a time"
        )
    kind = statements[0].type.name
    if kind not in _READ_ONLY:
        raise GlueflowError(
            f"only queries are run: this is a {kind} statement",
            hint="SELECT / WITH … SELECT / EXPLAIN; use --out FILE --format csv|json|parquet to save a result",
        )


def local_connection(tables: list[tuple[dict[str, Any], list[dict[str, Any]]]], s3: Any) -> Any:
    """An in-memory DuckDB with one view per readable catalog table, then locked to the env's S3 folder."""
    import duckdb

    from glueflow.local.catalog import spark_table_spec

    connection = duckdb.connect(":memory:")
    schemas: set[str] = set()
    for table, partitions in tables:
        if not (table.get("StorageDescriptor") or {}).get("Location"):
            continue
        select = view_sql(spark_table_spec(table, partitions, s3), s3.root)
        if select is None:
            continue
        database = table["DatabaseName"]
        if database not in schemas:
            connection.execute(f"CREATE SCHEMA {identifier(database)}")
            schemas.add(database)
        connection.execute(f"CREATE VIEW {identifier(database)}.{identifier(table['Name'])} AS {select}")
    lock(connection, s3.root)
    return connection


def lock(connection: Any, root: Path) -> None:
    """From here on the SQL can read the env's buckets and nothing else, and cannot undo this."""
    connection.execute(f"SET allowed_directories = [{literal(str(root))}]")
    for setting in ("enable_external_access", "autoinstall_known_extensions", "autoload_known_extensions"):
        connection.execute(f"SET {setting} = false")
    connection.execute("SET lock_configuration = true")


def run_local(connection: Any, sql: str) -> Result:
    import duckdb

    check_read_only(sql)
    try:
        relation = connection.sql(sql)
        rows = relation.fetchall() if relation is not None else []
    except duckdb.Error as exc:
        raise GlueflowError(f"query failed: {exc}", hint='`glueflow query "SHOW ALL TABLES"` lists the views') from exc
    return Result(list(relation.columns), [str(t) for t in relation.types], rows)


# --- Athena ---------------------------------------------------------------------------------------------------

# Athena's result types → DuckDB's (for the parquet writer); Athena returns every value as text.
_ATHENA_TYPES = {
    "varchar": "VARCHAR",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "real": "FLOAT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "decimal": "DECIMAL(38,10)",
}
ATHENA_DONE = ("SUCCEEDED", "FAILED", "CANCELLED")


def run_athena(athena: Any, sql: str, workgroup: str, *, poll: float = 0.5, timeout: float = 1800.0) -> Result:
    """Run `sql` in the env's workgroup (its result location and KMS encryption are the workgroup's, enforced)."""
    started = athena.start_query_execution(QueryString=sql, WorkGroup=workgroup)
    query_id = started["QueryExecutionId"]
    deadline = time.monotonic() + timeout
    while True:
        status = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] in ATHENA_DONE:
            break
        if time.monotonic() > deadline:
            athena.stop_query_execution(QueryExecutionId=query_id)
            raise GlueflowError(f"Athena query {query_id} did not finish in {timeout:.0f} s; it was cancelled")
        time.sleep(poll)
    if status["State"] != "SUCCEEDED":
        reason = status.get("StateChangeReason", "no reason given")
        raise GlueflowError(f"Athena query {query_id} {status['State']}: {reason}")
    return _athena_result(athena, query_id)


def _athena_result(athena: Any, query_id: str) -> Result:
    columns: list[str] = []
    types: list[str] = []
    rows: list[tuple[Any, ...]] = []
    first_page = True
    for page in athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id):
        result_set = page["ResultSet"]
        if first_page:
            info = result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])
            columns = [c["Name"] for c in info]
            types = [_ATHENA_TYPES.get(c.get("Type", "varchar").split("(")[0], "VARCHAR") for c in info]
        data = [tuple(cell.get("VarCharValue") for cell in row.get("Data", [])) for row in result_set.get("Rows", [])]
        if first_page and data and list(data[0]) == columns:  # a SELECT's first row is its header
            data = data[1:]
        rows += data
        first_page = False
    return Result(columns, types, rows)


# --- output ---------------------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def to_csv(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([["" if v is None else plain(v) for v in row] for row in result.rows])
    return buffer.getvalue()


def to_json(result: Result) -> str:
    """One JSON array of row objects (numbers stay numbers; decimals and dates are strings)."""
    records = [dict(zip(result.columns, (plain(v) for v in row), strict=True)) for row in result.rows]
    return json.dumps(records, indent=2, default=str) + "\n"


def write_parquet(result: Result, path: Path) -> None:
    """Write with a fresh DuckDB that runs only glueflow's own statements (the user's SQL never sees this path)."""
    import duckdb

    connection = duckdb.connect(":memory:")
    names = [f"{identifier(c)} {t}" for c, t in zip(_unique(result.columns), result.types, strict=True)]
    connection.execute(f"CREATE TABLE result ({', '.join(names)})")
    if result.rows:
        marks = ", ".join("?" for _ in result.columns)
        connection.executemany(f"INSERT INTO result VALUES ({marks})", [list(r) for r in result.rows])
    connection.execute(f"COPY result TO {literal(str(path))} (FORMAT parquet)")
    connection.close()


def _unique(columns: Sequence[str]) -> list[str]:
    """`SELECT a, a` is a valid query but not a valid table: number repeated names."""
    seen: dict[str, int] = {}
    names = []
    for column in columns:
        seen[column] = seen.get(column, 0) + 1
        names.append(column if seen[column] == 1 else f"{column}_{seen[column]}")
    return names


def confined_output(out: Path, *, root: Path, state_dir: Path) -> Path:
    """Where --out may write: anywhere in the project, or a path outside it in a folder the user owns — never
    through a symlink, never over something that is not a plain file, never into the runtime's state."""
    target = Path(os.path.abspath(out))
    if target.is_symlink():
        raise GlueflowError(f"--out {out} is a symbolic link; glueflow does not write through links")
    if target.exists() and not target.is_file():
        raise GlueflowError(f"--out {out} exists and is not a file")
    parent = target.parent
    if not parent.is_dir():
        raise GlueflowError(f"--out {out}: the folder {parent} does not exist")
    resolved = parent.resolve() / target.name
    state = state_dir.resolve()
    if resolved.is_relative_to(state):
        raise GlueflowError(
            f"--out {out} is inside the runtime's state ({state}); a file there would become bucket data",
            hint="write the result somewhere in the project, e.g. --out build/result.csv",
        )
    inside = resolved.is_relative_to(root.resolve())
    owner_ok = parent.stat().st_uid == os.getuid() and (not target.exists() or target.stat().st_uid == os.getuid())
    if not inside and not owner_ok:
        raise GlueflowError(
            f"--out {out} is outside the project and not in a folder you own",
            hint="write inside the project (e.g. build/) or in a folder of yours",
        )
    return resolved
