"""Catalog writes of the local Glue API: CreateTable, UpdateTable, BatchCreatePartition.

Jobs call them through the endpoint (the local `awsglue` layer's getSink with enableUpdateCatalog, or boto3 in a
script), as Glue jobs call the Data Catalog. Registered by importing this module (runtime.py does).
"""

from __future__ import annotations

from typing import Any

from glueflow.local import errors
from glueflow.local.catalog import partition_from_input, table_from_input
from glueflow.local.runtime import LocalRuntime, operation

JSON = dict[str, Any]


def _database(rt: LocalRuntime, name: str) -> None:
    if rt.store.database(name) is None:
        raise errors.not_found(f"Database {name} not found.")


def _table(database: str, table_input: JSON, existing: JSON | None) -> JSON:
    table = table_from_input(database, table_input, existing)
    table["CreatedBy"] = "glueflow-local-job"
    return table


@operation("CreateTable")
def _create_table(rt: LocalRuntime, p: JSON) -> JSON:
    _database(rt, p["DatabaseName"])
    name = p["TableInput"]["Name"]
    with rt.store.transaction():
        if rt.store.table(p["DatabaseName"], name) is not None:
            raise errors.GlueApiError("AlreadyExistsException", f"Table {name} already exists.")
        rt.store.put_table(_table(p["DatabaseName"], p["TableInput"], None))
    return {}


@operation("UpdateTable")
def _update_table(rt: LocalRuntime, p: JSON) -> JSON:
    _database(rt, p["DatabaseName"])
    name = p["TableInput"]["Name"]
    with rt.store.transaction():
        existing = rt.store.table(p["DatabaseName"], name)
        if existing is None:
            raise errors.not_found(f"Table {name} not found.")
        rt.store.put_table(_table(p["DatabaseName"], p["TableInput"], existing))
    return {}


@operation("BatchCreatePartition")
def _batch_create_partition(rt: LocalRuntime, p: JSON) -> JSON:
    database, table = p["DatabaseName"], p["TableName"]
    _database(rt, database)
    failures = []
    with rt.store.transaction():
        if rt.store.table(database, table) is None:
            raise errors.not_found(f"Table {table} not found.")
        partitions = rt.store.partitions(database, table)
        known = {tuple(x["Values"]) for x in partitions}
        for partition_input in p["PartitionInputList"]:
            values = tuple(partition_input["Values"])
            if values in known:
                failures.append(
                    {
                        "PartitionValues": list(values),
                        "ErrorDetail": {"ErrorCode": "AlreadyExistsException", "ErrorMessage": "Partition exists."},
                    }
                )
                continue
            known.add(values)
            partitions.append(partition_from_input(database, table, partition_input))
        rt.store.replace_partitions(database, table, partitions)
    return {"Errors": failures} if failures else {}
