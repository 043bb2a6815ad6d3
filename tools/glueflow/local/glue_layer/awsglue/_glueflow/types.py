"""Glue type names ↔ Spark SQL types, and casts that tell a failed cast from a null value."""

from __future__ import annotations

import re
from typing import Any

# Glue's ApplyMapping/ResolveChoice type names → Spark SQL types (anything else is passed to Spark as written,
# so `decimal(10,2)` or `array<string>` work too).
_GLUE_TO_SPARK = {
    "string": "string",
    "int": "int",
    "integer": "int",
    "long": "bigint",
    "bigint": "bigint",
    "short": "smallint",
    "smallint": "smallint",
    "byte": "tinyint",
    "tinyint": "tinyint",
    "double": "double",
    "float": "float",
    "boolean": "boolean",
    "bool": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "decimal": "decimal(38,18)",
    "binary": "binary",
    "null": "string",
}
# Spark simpleString → the names Glue prints in schemas.
_SPARK_TO_GLUE = {"bigint": "long", "smallint": "short", "tinyint": "byte", "int": "int"}


def spark_type(glue_type: str) -> str:
    name = glue_type.strip().lower()
    return _GLUE_TO_SPARK.get(name, name)


def glue_type(spark_simple: str) -> str:
    return _SPARK_TO_GLUE.get(spark_simple, spark_simple)


def split_path(path: str) -> list[str]:
    """`a.b` → ['a', 'b']; back-ticks protect dots: `` `a.b`.c `` → ['a.b', 'c'] (Glue's path syntax)."""
    parts: list[str] = []
    for match in re.finditer(r"`([^`]*)`|([^.]+)", path):
        parts.append(match.group(1) if match.group(1) is not None else match.group(2))
    return parts


def column(path: str) -> Any:
    """The Spark column at a Glue path (nested struct fields with dots)."""
    from pyspark.sql import functions as F

    parts = split_path(path)
    col = F.col(f"`{parts[0]}`")
    for part in parts[1:]:
        col = col.getField(part)
    return col


def cast(col: Any, target: str) -> Any:
    """`col` cast to Glue type `target`. Strings become dates/timestamps only in ISO form, as in Glue."""
    return col.cast(spark_type(target))


def cast_failed(source: Any, casted: Any) -> Any:
    """True where a value was present but the cast produced null: Glue makes such a record an error record."""
    return source.isNotNull() & casted.isNull()
