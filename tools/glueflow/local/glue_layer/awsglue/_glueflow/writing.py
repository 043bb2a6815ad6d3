"""Writes: s3 files (append, as Glue writes), catalog updates of sinks, and JDBC to the local PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from awsglue._glueflow import catalog, paths
from awsglue._glueflow.unsupported import unsupported

WRITE_FORMATS = ("parquet", "glueparquet", "csv", "json", "orc")
JDBC_TYPES = ("postgresql", "mysql", "oracle", "sqlserver", "redshift")
_SERDES = {
    "parquet": (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    ),
    "csv": (
        "org.apache.hadoop.mapred.TextInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
    ),
    "json": (
        "org.apache.hadoop.mapred.TextInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "org.openx.data.jsonserde.JsonSerDe",
    ),
    "orc": (
        "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
    ),
}


def _truthy(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


# Purging a path (retentionPeriod 0) and then writing to it is the stock Glue way to replace an output. Done
# literally, a job killed between the two leaves the output empty while the catalog still lists it. So locally the
# purge waits: the next write to that path replaces the output atomically (glueflow_lib.storage.write_atomically),
# and a purge that no write followed is applied when the job's process exits (a killed job purges nothing).
_PENDING_PURGES: set[str] = set()


def _purge_key(path: str) -> str:
    return str(Path(paths.local_path(path)).resolve())


def defer_purge(path: str) -> None:
    if not _PENDING_PURGES:
        import atexit

        atexit.register(_apply_pending_purges)
    _PENDING_PURGES.add(_purge_key(path))


def _apply_pending_purges() -> None:
    while _PENDING_PURGES:
        paths.purge(_PENDING_PURGES.pop(), 0)


def write_s3(df: Any, path: str, fmt: str, options: Mapping[str, Any], partition_keys: list[str]) -> None:
    """Append `df` under `path` (Glue never overwrites: rerun a job and the files add up; purge_s3_path first).
    After a deferred purge of `path`, the write replaces it atomically instead."""
    fmt = (fmt or "").lower()
    if fmt not in WRITE_FORMATS:
        unsupported(f"format={fmt!r} for writes", f"supported: {', '.join(WRITE_FORMATS)}")
    writer = df.write.mode("append")
    if partition_keys:
        writer = writer.partitionBy(*partition_keys)
    target = paths.local_path(path)
    key = _purge_key(path)
    if key in _PENDING_PURGES:
        from glueflow_lib.storage import write_atomically

        _PENDING_PURGES.discard(key)
        write_atomically(target, lambda staging: _write_format(writer, fmt, options, staging))
        return
    _write_format(writer, fmt, options, target)


def _write_format(writer: Any, fmt: str, options: Mapping[str, Any], target: str) -> None:
    compression = options.get("compression")
    if fmt in ("parquet", "glueparquet"):
        writer.option("compression", compression or "snappy").parquet(target)
    elif fmt == "csv":
        writer = writer.option("header", str(_truthy(options.get("writeHeader", True))).lower())
        writer = writer.option("sep", options.get("separator", ",")).option("quote", options.get("quoteChar", '"'))
        writer.option("compression", compression or "none").csv(target)
    elif fmt == "json":
        writer.option("compression", compression or "none").json(target)
    else:
        writer.option("compression", compression or "snappy").orc(target)


def _hive_type(data_type: Any) -> str:
    return str(data_type.simpleString())


def table_input(name: str, df: Any, path: str, fmt: str, partition_keys: list[str], options: Mapping[str, Any]) -> Any:
    """A Glue TableInput describing what a sink wrote (as enableUpdateCatalog creates it)."""
    fmt = "parquet" if fmt == "glueparquet" else fmt
    input_format, output_format, serde = _SERDES[fmt]
    serde_parameters = {"field.delim": options.get("separator", ",")} if fmt == "csv" else {}
    fields = {f.name: f for f in df.schema.fields}
    parameters = {"classification": fmt}
    if fmt == "csv" and _truthy(options.get("writeHeader", True)):
        parameters["skip.header.line.count"] = "1"
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": parameters,
        "PartitionKeys": [{"Name": k, "Type": _hive_type(fields[k].dataType)} for k in partition_keys],
        "StorageDescriptor": {
            "Columns": [
                {"Name": f.name, "Type": _hive_type(f.dataType)}
                for f in df.schema.fields
                if f.name not in partition_keys
            ],
            "Location": path if path.endswith("/") else path + "/",
            "InputFormat": input_format,
            "OutputFormat": output_format,
            "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_parameters},
            "Parameters": {},
        },
    }


def _partition_value(value: Any) -> str:
    return "__HIVE_DEFAULT_PARTITION__" if value is None else str(value)


def update_catalog(
    df: Any,
    database: str,
    table_name: str,
    path: str,
    fmt: str,
    partition_keys: list[str],
    options: Mapping[str, Any],
) -> None:
    """enableUpdateCatalog: create the table (or update its schema under UPDATE_IN_DATABASE, the default) and
    add the partitions this write created."""
    existing = catalog.find_table(database, table_name)
    behavior = str(options.get("updateBehavior", "UPDATE_IN_DATABASE")).upper()
    new = table_input(table_name, df, path, fmt, partition_keys, options)
    if existing is None or behavior == "UPDATE_IN_DATABASE":
        if existing is not None:  # keep what the sink does not describe (its location, format)
            new["StorageDescriptor"]["Location"] = existing["StorageDescriptor"].get("Location", path)
        catalog.put_table(database, new)
    if not partition_keys:
        return
    base = new["StorageDescriptor"]["Location"]
    known = {tuple(p["Values"]) for p in catalog.get_partitions(database, table_name)}
    written = {tuple(_partition_value(v) for v in row) for row in df.select(*partition_keys).distinct().collect()}
    partitions = []
    for values in sorted(written - known):
        folder = "/".join(f"{k}={v}" for k, v in zip(partition_keys, values, strict=True))
        descriptor = {**new["StorageDescriptor"], "Location": f"{base}{folder}/"}
        partitions.append({"Values": list(values), "StorageDescriptor": descriptor})
    if partitions:
        catalog.add_partitions(database, table_name, partitions)


# --- JDBC: the local PostgreSQL ------------------------------------------------------------------------------


def warehouse_dir() -> Path:
    """`$GLUEFLOW_WAREHOUSE_DIR`, else `<state dir>/warehouse` next to the local buckets (glueflow_lib.warehouse
    keeps covid_hiring's warehouse there too)."""
    if os.environ.get("GLUEFLOW_WAREHOUSE_DIR"):
        return Path(os.environ["GLUEFLOW_WAREHOUSE_DIR"])
    return paths.s3_root().parent / "warehouse"


def write_jdbc(df: Any, options: Mapping[str, Any]) -> int:
    """Append `df` to `dbtable` in the local PostgreSQL, creating the table if needed (Glue creates a missing
    JDBC table too); `preactions`/`postactions` SQL run in the same transaction. Returns the rows written."""
    import psycopg

    from glueflow_lib.warehouse import _create_sql, column_ddl, local_postgres, split_table

    if not options.get("dbtable"):
        raise ValueError("connection_options needs 'dbtable' for a JDBC write")
    schema, name = split_table(str(options["dbtable"]).lower())
    columns = column_ddl(df)
    quoted = ", ".join(f'"{c}"' for c, _ in columns)
    rows = 0
    with local_postgres(warehouse_dir()) as uri, psycopg.connect(uri) as conn:
        for statement in _statements(options.get("preactions")):
            conn.execute(statement)
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        conn.execute(_create_sql(schema, name, columns))
        with conn.cursor().copy(f'COPY "{schema}"."{name}" ({quoted}) FROM STDIN') as copy:
            for row in df.toLocalIterator():
                copy.write_row(tuple(row))
                rows += 1
        for statement in _statements(options.get("postactions")):
            conn.execute(statement)
    return rows


def _statements(sql: Any) -> list[str]:
    return [s.strip() for s in str(sql or "").split(";") if s.strip()]


def read_jdbc(spark: Any, options: Mapping[str, Any]) -> Any:
    """`dbtable` (or `query`) from the local PostgreSQL as a DataFrame."""
    import psycopg

    from glueflow_lib.warehouse import local_postgres, split_table

    if options.get("query"):
        sql = str(options["query"])
    else:
        schema, name = split_table(str(options.get("dbtable", "")).lower())
        sql = f'SELECT * FROM "{schema}"."{name}"'
    with local_postgres(warehouse_dir()) as uri, psycopg.connect(uri) as conn:
        cursor = conn.execute(sql)
        names = [d.name for d in cursor.description or []]
        records = [tuple(r) for r in cursor.fetchall()]
    if not records:
        return spark.createDataFrame([], ", ".join(f"`{n}` string" for n in names))
    return spark.createDataFrame(records, names)


def jdbc_conf(connection_name: str) -> dict[str, Any]:
    """extract_jdbc_conf locally: every connection name resolves to the local PostgreSQL (connections are never
    opened by the local runtime); `fullUrl` is the psycopg URI (a Unix socket), `url` a JDBC-style URL."""
    from glueflow_lib.warehouse import local_postgres

    with local_postgres(warehouse_dir()) as uri:
        pass
    return {
        "url": "jdbc:postgresql://localhost:5432/postgres",
        "fullUrl": uri,
        "user": "postgres",
        "password": "",
        "vendor": "postgresql",
        "connectionName": connection_name,
        "enforceSSL": "false",
    }
