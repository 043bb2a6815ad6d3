"""The catalog inside a job process, registered lazily: a table becomes a Spark table the first time the job
names it, not before the script starts.

Registering every table of every database (CREATE TABLE + one ADD PARTITION per partition) cost ~0.75 s per job
run for a job that reads one table. Databases are still created up front (cheap, and `SHOW DATABASES` /
`USE db` must see them); a table is registered when the job first
- reads it: `spark.table`, `spark.read.table`, or any `spark.sql` statement that names it (Spark reports the
  missing relation; it is registered and the statement re-run);
- asks the catalog about it: `spark.catalog.tableExists / getTable / listColumns`, or `listTables(db)`,
  which registers the database's tables first.

Only the standard library and pyspark are imported here: this module runs inside job processes.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from typing import Any

FACTORY_MODE = "spark.sql.codegen.factoryMode"
_PART = re.compile(r"`((?:[^`]|``)*)`|([^.`]+)")
_MAX_MISSING = 64  # a statement naming more unknown tables than this is not retried further


def _split(name: str) -> list[str]:
    """`db`.`t`, db.t, spark_catalog.db.t → its parts, unquoted."""
    return [quoted.replace("``", "`") if quoted else plain.strip() for quoted, plain in _PART.findall(name)]


class LazyCatalog:
    """The job's catalog tables, registered on first use (see the module docstring)."""

    def __init__(self, spark: Any, catalog: dict[str, Any], register: Callable[[Any, dict[str, Any]], None]) -> None:
        self.spark = spark
        self._register = register
        self._pending: dict[tuple[str, str], dict[str, Any]] = {
            (t["database"].lower(), t["name"].lower()): t for t in catalog.get("tables", [])
        }

    def ensure(self, name: str, default_database: str | None = None) -> bool:
        """Register the table `name` (qualified or not) if the catalog has it and it is not registered yet."""
        parts = _split(name)
        if not parts:
            return False
        database = parts[-2] if len(parts) >= 2 else default_database or self._current_database()
        table = self._pending.pop((database.lower(), parts[-1].lower()), None)
        if table is None:
            return False
        try:
            self._register(self.spark, table)
        except Exception as exc:  # Spark cannot read it: the job's own read reports the missing table
            print(f"glueflow: could not register table {database}.{parts[-1]}: {exc}", file=sys.stderr)
            return False
        return True

    def ensure_database(self, database: str | None) -> None:
        wanted = (database or self._current_database()).lower()
        for db, name in [key for key in self._pending if key[0] == wanted]:
            self.ensure(name, db)

    def _current_database(self) -> str:
        return str(self._original_current_database())

    def install(self) -> None:
        """Wrap the session's and its catalog's entry points (this process serves one job, so it is safe)."""
        from pyspark.sql import DataFrameReader
        from pyspark.sql.catalog import Catalog

        spark = self.spark
        self._original_current_database = spark.catalog.currentDatabase
        spark.sql = self._retrying(spark.sql)
        spark.table = self._retrying(spark.table)
        DataFrameReader.table = self._retrying_method(DataFrameReader.table)
        for method in ("tableExists", "getTable", "listColumns"):
            setattr(Catalog, method, self._ensuring(getattr(Catalog, method)))
        Catalog.listTables = self._listing(Catalog.listTables)

    def _retrying(self, call: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(call)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for _ in range(_MAX_MISSING):
                try:
                    return call(*args, **kwargs)
                except Exception as exc:
                    if not self._register_missing(exc):
                        raise
            return call(*args, **kwargs)

        return wrapper

    def _retrying_method(self, method: Callable[..., Any]) -> Callable[..., Any]:
        retrying = self._retrying(method)

        @functools.wraps(method)
        def wrapper(reader: Any, *args: Any, **kwargs: Any) -> Any:
            return retrying(reader, *args, **kwargs)

        return wrapper

    def _register_missing(self, exc: Exception) -> bool:
        """Register the relation a TABLE_OR_VIEW_NOT_FOUND error names; False if there is none to register."""
        condition = getattr(exc, "getErrorClass", lambda: None)()
        if condition != "TABLE_OR_VIEW_NOT_FOUND":
            return False
        parameters = getattr(exc, "getMessageParameters", dict)() or {}
        return self.ensure(str(parameters.get("relationName", "")))

    def _ensuring(self, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(catalog: Any, tableName: str, dbName: str | None = None, *args: Any, **kwargs: Any) -> Any:
            self.ensure(tableName, dbName)
            return method(catalog, tableName, dbName, *args, **kwargs)

        return wrapper

    def _listing(self, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(catalog: Any, dbName: str | None = None, *args: Any, **kwargs: Any) -> Any:
            self.ensure_database(dbName)
            return method(catalog, dbName, *args, **kwargs)

        return wrapper


def compiled_catalog_calls(spark: Any) -> None:
    """Every `spark.catalog` method runs with compiled expressions (FALLBACK, Spark's default) when the session
    interprets them (NO_CODEGEN, job_inputs.TINY_INPUT_CONF): the catalog returns typed rows (Database, Table,
    Column, Function, CatalogMetadata) whose interpreted decoding fails ("argument type mismatch"). The results
    are tiny, so compiling their decoders costs little."""
    from pyspark.sql.catalog import Catalog

    if getattr(Catalog, "_glueflow_compiled", False):
        return
    for name, method in list(vars(Catalog).items()):
        if not name.startswith("_") and callable(method):
            setattr(Catalog, name, _compiled(method))
    Catalog._glueflow_compiled = True  # type: ignore[attr-defined]


def _compiled(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(catalog: Any, *args: Any, **kwargs: Any) -> Any:
        conf = catalog._sparkSession.conf
        mode = conf.get(FACTORY_MODE, None)
        if mode != "NO_CODEGEN":
            return method(catalog, *args, **kwargs)
        conf.set(FACTORY_MODE, "FALLBACK")
        try:
            return method(catalog, *args, **kwargs)
        finally:
            conf.set(FACTORY_MODE, mode)

    return wrapper
