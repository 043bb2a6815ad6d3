"""The local Data Catalog: applying a crawl's result to the store, and describing tables to Spark.

Tables are kept in Glue's `Table` shape. `spark_table_spec` turns one into what the job launcher needs to
register it in Spark's catalog (format, reader options, local location, partitions), so `spark.table("db.t")`
reads the same files Glue would.
"""

from __future__ import annotations

import time
from typing import Any

from glueflow.local.s3 import LocalS3
from glueflow.local.store import Store

JSON = dict[str, Any]
# Glue's CatalogId is the account id (botocore: CatalogIdString, at least 1 character); locally, the placeholder
# account of envs/local.yaml.
LOCAL_CATALOG_ID = "000000000000"


def database_shape(name: str, description: str = "") -> JSON:
    return {
        "Name": name,
        "Description": description,
        "Parameters": {},
        "CreateTime": time.time(),
        "CatalogId": LOCAL_CATALOG_ID,
    }


def table_from_input(database: str, table_input: JSON, existing: JSON | None) -> JSON:
    """A Glue `Table` from a `TableInput`, keeping CreateTime and bumping VersionId on update."""
    now = time.time()
    table = {**table_input, "DatabaseName": database, "UpdateTime": now, "CatalogId": LOCAL_CATALOG_ID}
    table["CreateTime"] = existing.get("CreateTime", now) if existing else now
    table["VersionId"] = str(int(existing.get("VersionId", "0")) + 1) if existing else "0"
    table.setdefault("TableType", "EXTERNAL_TABLE")
    table.setdefault("Parameters", {})
    table.setdefault("PartitionKeys", [])
    table["CreatedBy"] = "glueflow-local-crawler"
    table["IsRegisteredWithLakeFormation"] = False
    return table


def partition_from_input(database: str, table: str, partition_input: JSON) -> JSON:
    now = time.time()
    return {
        **partition_input,
        "DatabaseName": database,
        "TableName": table,
        "CreationTime": now,
        "CatalogId": LOCAL_CATALOG_ID,
    }


def apply_crawl_result(store: Store, database: str, result: Any) -> tuple[int, int, int]:
    """Write a CrawlResult to the catalog in one transaction; returns (created, updated, deleted).

    The crawler applies the schema-change policy: under `UpdateBehavior = LOG` it leaves schema changes out of
    `tables_to_update`, but DEPRECATE_IN_DATABASE still arrives there, so every update is written.
    """
    created = updated = deleted = 0
    with store.transaction():
        store.put_database(database_shape(database))
        for table_input in result.tables_to_create:
            store.put_table(table_from_input(database, table_input, store.table(database, table_input["Name"])))
            created += 1
        for table_input in result.tables_to_update:
            store.put_table(table_from_input(database, table_input, store.table(database, table_input["Name"])))
            updated += 1
        for name in result.tables_to_delete:
            store.delete_table(database, name)
            deleted += 1
        for table_name, partitions in result.partitions.items():
            if store.table(database, table_name) is not None:
                store.replace_partitions(
                    database, table_name, [partition_from_input(database, table_name, p) for p in partitions]
                )
    return created, updated, deleted


# --- Spark registration -------------------------------------------------------------------------------


def _format_of(table: JSON) -> str:
    descriptor = table.get("StorageDescriptor", {})
    classification = (table.get("Parameters") or {}).get("classification", "").lower()
    serde = (descriptor.get("SerdeInfo") or {}).get("SerializationLibrary", "") or ""
    input_format = descriptor.get("InputFormat", "") or ""
    if classification in ("csv", "json", "parquet", "orc", "avro"):
        return classification
    if "parquet" in input_format.lower() or "parquet" in serde.lower():
        return "parquet"
    if "json" in serde.lower():
        return "json"
    if "orc" in input_format.lower():
        return "orc"
    return "csv"


def _csv_options(table: JSON) -> dict[str, str]:
    descriptor = table.get("StorageDescriptor", {})
    serde_params = (descriptor.get("SerdeInfo") or {}).get("Parameters") or {}
    table_params = table.get("Parameters") or {}
    skip = table_params.get("skip.header.line.count") or descriptor.get("Parameters", {}).get("skip.header.line.count")
    options = {"header": "true" if skip and int(skip) >= 1 else "false"}
    delimiter = serde_params.get("separatorChar") or serde_params.get("field.delim")
    if delimiter:
        options["sep"] = delimiter
    if serde_params.get("quoteChar"):
        options["quote"] = serde_params["quoteChar"]
    if serde_params.get("escapeChar"):
        options["escape"] = serde_params["escapeChar"]
    return options


def spark_table_spec(table: JSON, partitions: list[JSON], s3: LocalS3) -> JSON:
    """What the launcher needs to register `table` in Spark (see launcher.register_catalog)."""
    fmt = _format_of(table)
    return {
        "database": table["DatabaseName"],
        "name": table["Name"],
        "columns": [{"Name": c["Name"], "Type": c["Type"]} for c in table["StorageDescriptor"].get("Columns", [])],
        "partition_keys": [{"Name": k["Name"], "Type": k["Type"]} for k in table.get("PartitionKeys", [])],
        "format": fmt,
        "options": _csv_options(table) if fmt == "csv" else {},
        "location": s3.local_path(table["StorageDescriptor"]["Location"]),
        "partitions": [
            {"values": p["Values"], "location": s3.local_path(p["StorageDescriptor"]["Location"])} for p in partitions
        ],
    }


def spark_catalog(store: Store, s3: LocalS3) -> JSON:
    """Every database and table in the local catalog, ready for the launcher."""
    databases = [d["Name"] for d in store.databases()]
    tables = [
        spark_table_spec(t, store.partitions(db, t["Name"]), s3)
        for db in databases
        for t in store.tables(db)
        if t.get("StorageDescriptor", {}).get("Location")
    ]
    return {"databases": databases, "tables": tables}
