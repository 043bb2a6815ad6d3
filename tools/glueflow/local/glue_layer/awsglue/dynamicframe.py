"""DynamicFrame and DynamicFrameCollection over Spark DataFrames (see docs/awsglue.md for the differences).

A DynamicFrame here is a DataFrame plus Glue's extras: error records (counted per stage and along the lineage),
choice columns (text read by schema-on-read whose values hold several types, resolved with resolveChoice),
and the frame's name. Glue's own DynamicFrame is a JVM object; ours keeps the DataFrame in `_df`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from awsglue._glueflow import frames
from awsglue._glueflow.unsupported import stub, unsupported


class GlueErrorThresholdExceeded(RuntimeError):
    """A transformation produced more error records than its stageThreshold/totalThreshold allow."""


class ResolveOption:
    """A (path, action) pair of resolveChoice specs, as Glue's ResolveOption."""

    def __init__(self, path: str, action: str, target: Any = None) -> None:
        self.path = path
        self.action = action
        self.target = target


class DynamicFrame:
    def __init__(self, jdf: Any, glue_ctx: Any, name: str = "") -> None:
        self._df = jdf
        self.glue_ctx = glue_ctx
        self.name = name
        self._stage_errors: Any = None
        self._lineage_errors: list[Any] = []
        self._text_columns: frozenset[str] = frozenset()

    # --- construction ----------------------------------------------------------------------------------------

    @classmethod
    def fromDF(cls, dataframe: Any, glue_ctx: Any, name: str = "") -> DynamicFrame:
        return cls(dataframe, glue_ctx, name)

    def toDF(self, options: Any = None) -> Any:
        """The rows as a DataFrame. Unresolved choice columns stay text (Glue would give a struct of the types)."""
        if options:
            unsupported("DynamicFrame.toDF(options=...)")
        return self._df

    def _derive(
        self,
        df: Any,
        stage_errors: Any = None,
        name: str | None = None,
        text_columns: Iterable[str] | None = None,
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        frame = DynamicFrame(df, self.glue_ctx, self.name if name is None else name)
        frame._lineage_errors = [
            *self._lineage_errors,
            *([self._stage_errors] if self._stage_errors is not None else []),
        ]
        frame._stage_errors = stage_errors
        kept = self._text_columns if text_columns is None else frozenset(text_columns)
        frame._text_columns = frozenset(c for c in kept if c in df.columns)
        frame._check_thresholds(stageThreshold, totalThreshold, info)
        return frame

    def _check_thresholds(self, stage_threshold: int, total_threshold: int, info: str) -> None:
        """Glue fails a transformation whose errors exceed its thresholds; 0 (the default) sets no limit."""
        if stage_threshold and stage_threshold > 0 and self.stageErrorsCount() > stage_threshold:
            raise GlueErrorThresholdExceeded(
                f"{self.stageErrorsCount()} error records in this stage exceed stageThreshold={stage_threshold}"
                + (f" ({info})" if info else "")
            )
        if total_threshold and total_threshold > 0 and self.errorsCount() > total_threshold:
            raise GlueErrorThresholdExceeded(
                f"{self.errorsCount()} error records exceed totalThreshold={total_threshold}"
                + (f" ({info})" if info else "")
            )

    # --- inspection ------------------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._df.count())

    def schema(self) -> Any:
        """The Spark StructType of the rows (Glue returns its own gluetypes.StructType)."""
        return self._df.schema

    def _choices(self) -> dict[str, list[str]]:
        return frames.detect_choices(self._df, self._text_columns)

    def printSchema(self) -> None:
        print("\n".join(["root", *frames.schema_lines(self._df.schema, self._choices())]))

    def show(self, num_rows: int = 20) -> None:
        """Prints the first rows as JSON records, as Glue does."""
        for line in self._df.limit(num_rows).toJSON().collect():
            print(line)

    def getNumPartitions(self) -> int:
        return int(self._df.rdd.getNumPartitions())

    # --- errors ----------------------------------------------------------------------------------------------

    def _all_errors(self) -> list[Any]:
        return [*self._lineage_errors, *([self._stage_errors] if self._stage_errors is not None else [])]

    def errorsAsDynamicFrame(self) -> DynamicFrame:
        """Every error record along this frame's lineage: transformation, info, field, error, record (JSON)."""
        errors = frames.empty_errors(self._df.sparkSession)
        for part in self._all_errors():
            errors = errors.unionByName(part)
        return DynamicFrame(errors, self.glue_ctx, f"{self.name}_errors")

    def errorsCount(self) -> int:
        return sum(int(e.count()) for e in self._all_errors())

    def stageErrorsCount(self) -> int:
        return int(self._stage_errors.count()) if self._stage_errors is not None else 0

    def assertErrorThreshold(self) -> None:
        """Raises if any error record exists (locally thresholds are checked where they are set)."""
        if self.errorsCount():
            raise GlueErrorThresholdExceeded(f"{self.errorsCount()} error records in {self.name or 'the frame'}")

    # --- field transforms --------------------------------------------------------------------------------------

    def apply_mapping(
        self,
        mappings: Sequence[Sequence[str]],
        case_sensitive: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Cast and rename to the mapped fields only; a value that cannot be cast makes its record an error."""
        mapped, errors = frames.apply_mapping(self._df, mappings, case_sensitive)
        return self._derive(
            mapped,
            errors,
            text_columns=(),
            info=info,
            stageThreshold=stageThreshold,
            totalThreshold=totalThreshold,
        )

    def applyMapping(self, *args: Any, **kwargs: Any) -> DynamicFrame:
        return self.apply_mapping(*args, **kwargs)

    def select_fields(
        self,
        paths: Sequence[str],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return self._derive(frames.select_paths(self._df, _as_list(paths)))

    def drop_fields(
        self,
        paths: Sequence[str],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return self._derive(frames.drop_paths(self._df, _as_list(paths)))

    def rename_field(
        self,
        oldName: str,
        newName: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        from awsglue._glueflow.types import column, split_path

        old_parts, new_parts = split_path(oldName), split_path(newName)
        if len(old_parts) == 1 and len(new_parts) == 1:
            renamed = self._df.withColumnRenamed(old_parts[0], new_parts[0])
            text = {new_parts[0] if c == old_parts[0] else c for c in self._text_columns}
            return self._derive(renamed, text_columns=text)
        if not frames.has_path(self._df, oldName):
            return self._derive(self._df)
        value = column(oldName)
        df = self._df.withColumn("__moved", value)
        df = frames.drop_paths(df, [oldName])
        from pyspark.sql import functions as F

        df = frames.set_path(df, new_parts, F.col("__moved")).drop("__moved")
        return self._derive(df)

    def split_fields(
        self,
        paths: Sequence[str],
        name1: str,
        name2: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        chosen = _as_list(paths)
        first = self._derive(frames.select_paths(self._df, chosen), name=name1)
        second = self._derive(frames.drop_paths(self._df, chosen), name=name2)
        return DynamicFrameCollection({name1: first, name2: second}, self.glue_ctx)

    def split_rows(
        self,
        comparison_dict: Mapping[str, Mapping[str, Any]],
        name1: str,
        name2: str,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        condition = frames.comparison_condition(comparison_dict)
        first = self._derive(self._df.filter(condition), name=name1)
        second = self._derive(self._df.filter(~condition), name=name2)
        return DynamicFrameCollection({name1: first, name2: second}, self.glue_ctx)

    def unnest(
        self,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Nested struct fields become top-level fields named `outer.inner`."""
        return self._derive(frames.flatten(self._df))

    def relationalize(
        self,
        root_table_name: str,
        staging_path: str,
        options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrameCollection:
        """Flattens structs and pivots every array into its own frame `<root>_<path>` (id, index, path.val…).
        The staging path is not used: the frames stay in Spark."""
        tables = frames.relationalize(self._df, root_table_name)
        collection = {name: self._derive(df, name=name) for name, df in tables.items()}
        return DynamicFrameCollection(collection, self.glue_ctx)

    def resolveChoice(
        self,
        specs: Sequence[tuple[str, str]] | None = None,
        choice: str = "",
        database: str | None = None,
        table_name: str | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
        catalog_id: str | None = None,
    ) -> DynamicFrame:
        """cast:<type>, project:<type>, make_cols, make_struct or match_catalog, per path (specs) or for every
        choice column (choice)."""
        if specs and choice:
            raise ValueError("resolveChoice takes specs or choice, not both")
        if not specs and not choice:  # Glue then resolves by the schema it is given: the catalog table's
            if not (database and table_name):
                return self._derive(self._df)
            choice = "match_catalog"
        catalog_types: dict[str, str] = {}
        if "match_catalog" in (choice or "") or any("match_catalog" in a for _, a in specs or []):
            if not (database and table_name):
                raise ValueError("match_catalog needs database and table_name")
            from awsglue._glueflow import catalog

            table = catalog.get_table(database, table_name, catalog_id)
            columns = [*table["StorageDescriptor"].get("Columns", []), *table.get("PartitionKeys", [])]
            catalog_types = {c["Name"]: c["Type"] for c in columns}
        choices = self._choices()
        work = list(specs) if specs else [(name, choice) for name in choices]
        df = self._df
        for path, action in work:
            if path not in df.columns:
                if "." in path or "[" in path:
                    df = frames.resolve_nested(df, path, action)
                continue
            df = frames.resolve_column(df, path, action, choices.get(path, []), catalog_types.get(path))
        resolved = {p for p, _ in work}
        return self._derive(df, text_columns=self._text_columns - resolved)

    def filter(
        self,
        f: Callable[[dict[str, Any]], bool],
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Rows for which f(record) is true; f raising makes the record an error record, as in Glue."""
        outcomes = self._df.rdd.map(_guarded(lambda record: bool(f(record)))).cache()
        kept = outcomes.filter(lambda o: o[0] and o[1]).map(lambda o: o[2])
        df = self._df.sparkSession.createDataFrame(kept, self._df.schema)
        return self._derive(df, self._errors_of(outcomes, "Filter", info), info=info,
                            stageThreshold=stageThreshold, totalThreshold=totalThreshold)  # fmt: skip

    def map(
        self,
        f: Callable[[dict[str, Any]], dict[str, Any]],
        preservesPartitioning: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """f(record) → record for every row (records are dicts); the output schema is inferred."""
        outcomes = self._df.rdd.map(_guarded(lambda record: _to_row(f(record)))).cache()
        mapped = outcomes.filter(lambda o: o[0]).map(lambda o: o[1])
        spark = self._df.sparkSession
        df = spark.createDataFrame(mapped) if not mapped.isEmpty() else spark.createDataFrame([], self._df.schema)
        return self._derive(df, self._errors_of(outcomes, "Map", info), text_columns=(), info=info,
                            stageThreshold=stageThreshold, totalThreshold=totalThreshold)  # fmt: skip

    def _errors_of(self, outcomes: Any, transformation: str, info: str) -> Any:
        failed = outcomes.filter(lambda o: not o[0]).map(lambda o: (transformation, info, "", o[1], o[2]))
        spark = self._df.sparkSession
        return spark.createDataFrame(failed, ", ".join(f"{c} string" for c in frames.ERROR_COLUMNS))

    def join(
        self,
        paths1: Sequence[str] | str,
        paths2: Sequence[str] | str,
        frame2: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Inner equality join on paths1 = paths2; every field of both frames is kept (a key named the same on
        both sides appears once)."""
        keys1, keys2 = _as_list(paths1), _as_list(paths2)
        left, right = self._df.alias("__l"), frame2._df.alias("__r")
        from pyspark.sql import functions as F

        condition = F.lit(True)
        for k1, k2 in zip(keys1, keys2, strict=True):
            condition = condition & (F.col(f"__l.{frames.quoted(k1)}") == F.col(f"__r.{frames.quoted(k2)}"))
        columns = [F.col(f"__l.{frames.quoted(c)}") for c in self._df.columns]
        columns += [F.col(f"__r.{frames.quoted(c)}") for c in frame2._df.columns if c not in self._df.columns]
        joined = left.join(right, condition, "inner").select(*columns)
        text = self._text_columns | frame2._text_columns
        result = self._derive(joined, text_columns=text)
        result._lineage_errors += frame2._all_errors()
        return result

    def union(
        self,
        other_frame: DynamicFrame,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        merged = self._df.unionByName(other_frame._df, allowMissingColumns=True)
        return self._derive(merged, text_columns=self._text_columns | other_frame._text_columns)

    def mergeDynamicFrame(
        self,
        stage_dynamic_frame: DynamicFrame,
        primary_keys: Sequence[str],
        transformation_ctx: str = "",
        options: Mapping[str, Any] | None = None,
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Records of the staging frame replace this frame's records with the same primary keys."""
        keys = _as_list(primary_keys)
        kept = self._df.join(stage_dynamic_frame._df.select(*keys), keys, "left_anti")
        return self._derive(kept.unionByName(stage_dynamic_frame._df, allowMissingColumns=True))

    def repartition(
        self,
        num_partitions: int,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        return self._derive(self._df.repartition(num_partitions))

    def coalesce(
        self,
        num_partitions: int,
        shuffle: bool = False,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        df = self._df.repartition(num_partitions) if shuffle else self._df.coalesce(num_partitions)
        return self._derive(df)

    def _drop_null_fields(self) -> DynamicFrame:
        """Fields null in every record are dropped (DropNullFields)."""
        from pyspark.sql import functions as F

        if not self._df.columns:
            return self._derive(self._df)
        counts = self._df.agg(*[F.count(F.col(frames.quoted(c))).alias(str(i)) for i, c in enumerate(self._df.columns)])
        row = counts.collect()[0]
        empty = [c for i, c in enumerate(self._df.columns) if row[str(i)] == 0]
        return self._derive(self._df.drop(*empty))

    def spigot(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        info: str = "",
        stageThreshold: int = 0,
        totalThreshold: int = 0,
    ) -> DynamicFrame:
        """Writes a sample (the first `topk` records, default 100) as JSON under `path`; returns this frame."""
        from awsglue._glueflow import writing

        top = int((options or {}).get("topk", 100))
        writing.write_s3(self._df.limit(top).coalesce(1), path, "json", {}, [])
        return self

    def write(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        accumulator_size: int = 0,
    ) -> DynamicFrame:
        return self.glue_ctx.write_dynamic_frame_from_options(
            self, connection_type, connection_options or {}, format, format_options or {}
        )

    mapPartitions = stub("DynamicFrame.mapPartitions")
    mapPartitionsWithIndex = stub("DynamicFrame.mapPartitionsWithIndex")
    unbox = stub("DynamicFrame.unbox")
    unnest_ddb_json = stub("DynamicFrame.unnest_ddb_json")
    simplify_ddb_json = stub("DynamicFrame.simplify_ddb_json")
    with_frame_schema = stub("DynamicFrame.with_frame_schema")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        unsupported(f"DynamicFrame.{name}")


def _as_list(paths: Sequence[str] | str) -> list[str]:
    return [paths] if isinstance(paths, str) else list(paths)


def _to_record(row: Any) -> Any:
    from pyspark.sql import Row

    if isinstance(row, Row):
        return {k: _to_record(v) for k, v in row.asDict().items()}
    if isinstance(row, list):
        return [_to_record(v) for v in row]
    return row


def _to_row(value: Any) -> Any:
    from pyspark.sql import Row

    if isinstance(value, dict):
        return Row(**{str(k): _to_row(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_to_row(v) for v in value]
    return value


def _guarded(function: Callable[[dict[str, Any]], Any]) -> Callable[[Any], tuple[Any, ...]]:
    """Runs on executors: (True, result, row) or (False, error message, record as JSON).

    Python workers do not have this layer on their path, so this module's functions travel by value.
    """
    import sys

    from pyspark import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])

    def run(row: Any) -> tuple[Any, ...]:
        record = _to_record(row)
        try:
            return (True, function(record), row)
        except Exception as exc:  # a failing record becomes an error record, the job goes on (Glue's rule)
            return (False, f"{type(exc).__name__}: {exc}", json.dumps(_to_record(row), default=str))

    return run


class DynamicFrameCollection:
    """Named DynamicFrames, as returned by relationalize, split_fields and split_rows."""

    def __init__(self, dynamic_frames: Mapping[str, DynamicFrame], glue_ctx: Any) -> None:
        self._frames = dict(dynamic_frames)
        self._glue_ctx = glue_ctx

    def __getitem__(self, key: str) -> DynamicFrame:
        return self._frames[key]

    def __len__(self) -> int:
        return len(self._frames)

    def keys(self) -> Any:
        return self._frames.keys()

    def values(self) -> Any:
        return self._frames.values()

    def select(self, key: str, transformation_ctx: str = "") -> DynamicFrame:
        return self._frames[key]

    def map(
        self, callable: Callable[[DynamicFrame, str], DynamicFrame], transformation_ctx: str = ""
    ) -> DynamicFrameCollection:
        """callable(frame, transformation_ctx) for every frame, keeping the names."""
        return DynamicFrameCollection(
            {k: callable(v, f"{transformation_ctx}:{k}") for k, v in self._frames.items()}, self._glue_ctx
        )

    def flatmap(self, f: Callable[[DynamicFrame, str], Any], transformation_ctx: str = "") -> DynamicFrameCollection:
        """Like map, but f may return a DynamicFrameCollection, whose frames join the result."""
        result: dict[str, DynamicFrame] = {}
        for key, frame in self._frames.items():
            out = f(frame, f"{transformation_ctx}:{key}")
            if isinstance(out, DynamicFrameCollection):
                result.update(out._frames)
            else:
                result[key] = out
        return DynamicFrameCollection(result, self._glue_ctx)


class DynamicFrameReader:
    """`glueContext.create_dynamic_frame`."""

    def __init__(self, glue_context: Any) -> None:
        self._glue_context = glue_context

    def from_options(
        self,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        **kwargs: Any,
    ) -> DynamicFrame:
        return self._glue_context.create_dynamic_frame_from_options(
            connection_type, connection_options or {}, format, format_options or {}, transformation_ctx,
            push_down_predicate, **kwargs
        )  # fmt: skip

    def from_catalog(
        self,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        push_down_predicate: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        return self._glue_context.create_dynamic_frame_from_catalog(
            database, table_name, redshift_tmp_dir, transformation_ctx, push_down_predicate,
            additional_options or {}, catalog_id, **kwargs
        )  # fmt: skip

    from_rdd = stub("create_dynamic_frame.from_rdd")


class DynamicFrameWriter:
    """`glueContext.write_dynamic_frame`."""

    def __init__(self, glue_context: Any) -> None:
        self._glue_context = glue_context

    def from_options(
        self,
        frame: DynamicFrame,
        connection_type: str,
        connection_options: Mapping[str, Any] | None = None,
        format: str | None = None,
        format_options: Mapping[str, Any] | None = None,
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        return self._glue_context.write_dynamic_frame_from_options(
            frame, connection_type, connection_options or {}, format, format_options or {}, transformation_ctx
        )

    def from_catalog(
        self,
        frame: DynamicFrame,
        database: str | None = None,
        table_name: str | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
        additional_options: Mapping[str, Any] | None = None,
        catalog_id: str | None = None,
        **kwargs: Any,
    ) -> DynamicFrame:
        return self._glue_context.write_dynamic_frame_from_catalog(
            frame, database, table_name, redshift_tmp_dir, transformation_ctx, additional_options or {},
            catalog_id, **kwargs
        )  # fmt: skip

    def from_jdbc_conf(
        self,
        frame: DynamicFrame,
        catalog_connection: str,
        connection_options: Mapping[str, Any] | None = None,
        redshift_tmp_dir: str = "",
        transformation_ctx: str = "",
    ) -> DynamicFrame:
        return self._glue_context.write_dynamic_frame_from_jdbc_conf(
            frame, catalog_connection, connection_options or {}, redshift_tmp_dir, transformation_ctx
        )
