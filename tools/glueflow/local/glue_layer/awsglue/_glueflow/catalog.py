"""The Data Catalog as a job sees it: the local runtime's Glue endpoint, through boto3 (as on Glue, where
GlueContext calls the catalog API). The runtime gives jobs `AWS_ENDPOINT_URL_GLUE` and dummy credentials."""

from __future__ import annotations

import functools
from typing import Any

JSON = dict[str, Any]


@functools.lru_cache(maxsize=1)
def client() -> Any:
    import boto3

    return boto3.client("glue")


def get_table(database: str, table_name: str, catalog_id: str | None = None) -> JSON:
    params = {"DatabaseName": database, "Name": table_name, **({"CatalogId": catalog_id} if catalog_id else {})}
    return dict(client().get_table(**params)["Table"])


def find_table(database: str, table_name: str) -> JSON | None:
    try:
        return get_table(database, table_name)
    except client().exceptions.EntityNotFoundException:
        return None


def get_partitions(database: str, table_name: str) -> list[JSON]:
    pages = client().get_paginator("get_partitions").paginate(DatabaseName=database, TableName=table_name)
    return [p for page in pages for p in page["Partitions"]]


def put_table(database: str, table_input: JSON) -> None:
    """CreateTable, or UpdateTable when it exists."""
    if find_table(database, table_input["Name"]) is None:
        client().create_table(DatabaseName=database, TableInput=table_input)
    else:
        client().update_table(DatabaseName=database, TableInput=table_input)


def add_partitions(database: str, table_name: str, partitions: list[JSON]) -> None:
    """BatchCreatePartition; partitions that already exist are left as they are (Glue's AlreadyExists)."""
    for start in range(0, len(partitions), 100):  # Glue's limit per call
        client().batch_create_partition(
            DatabaseName=database, TableName=table_name, PartitionInputList=partitions[start : start + 100]
        )


def get_connection(name: str) -> JSON | None:
    try:
        return dict(client().get_connection(Name=name)["Connection"])
    except Exception:  # the local runtime knows no connections: the caller falls back to the local warehouse
        return None
