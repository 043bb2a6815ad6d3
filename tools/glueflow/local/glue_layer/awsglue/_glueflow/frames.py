"""DataFrame operations behind DynamicFrame methods: nested paths, flattening, relationalize, choice columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from awsglue._glueflow.types import cast, column, glue_type, spark_type, split_path

_INT = r"^\s*[+-]?\d+\s*$"
_NUMBER = r"^\s*[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?\s*$"
ERROR_COLUMNS = ("transformation", "info", "field", "error", "record")


def F() -> Any:
    from pyspark.sql import functions

    return functions


def quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def resolve_name(df: Any, name: str, case_sensitive: bool) -> str | None:
    if name in df.columns:
        return name
    if not case_sensitive:
        for existing in df.columns:
            if existing.lower() == name.lower():
                return existing
    return None


def has_path(df: Any, path: str) -> bool:
    from pyspark.sql.types import StructType

    schema: Any = df.schema
    for part in split_path(path):
        if not isinstance(schema, StructType) or part not in schema.fieldNames():
            return False
        schema = schema[part].dataType
    return True


def nest(columns: Sequence[tuple[list[str], Any]]) -> list[Any]:
    """[(['a','b'], col), (['c'], col)] → [struct(col AS b) AS a, col AS c], keeping first-seen order."""
    groups: dict[str, list[tuple[list[str], Any]]] = {}
    for parts, col in columns:
        groups.setdefault(parts[0], []).append((parts[1:], col))
    result = []
    for head, members in groups.items():
        leaf = [c for rest, c in members if not rest]
        if leaf:
            result.append(leaf[-1].alias(head))
        else:
            result.append(F().struct(*nest(members)).alias(head))
    return result


def select_paths(df: Any, paths: Iterable[str]) -> Any:
    wanted = [(split_path(p), column(p)) for p in paths if has_path(df, p)]
    return df.select(*nest(wanted)) if wanted else df.select()


def drop_paths(df: Any, paths: Iterable[str]) -> Any:
    for path in paths:
        if not has_path(df, path):
            continue
        parts = split_path(path)
        if len(parts) == 1:
            df = df.drop(parts[0])
        else:
            df = df.withColumn(parts[0], _drop_nested(F().col(quoted(parts[0])), parts[1:]))
    return df


def _drop_nested(col: Any, parts: list[str]) -> Any:
    if len(parts) == 1:
        return col.dropFields(parts[0])
    return col.withField(parts[0], _drop_nested(col.getField(parts[0]), parts[1:]))


def set_path(df: Any, parts: list[str], value: Any) -> Any:
    if len(parts) == 1:
        return df.withColumn(parts[0], value)
    path = ".".join(parts[1:])
    return df.withColumn(parts[0], F().col(quoted(parts[0])).withField(path, value))


def flatten(df: Any, separator: str = ".") -> Any:
    """Every nested struct field becomes a top-level column named `outer.inner` (Glue's unnest)."""
    from pyspark.sql.types import StructType

    def walk(schema: StructType, prefix: list[str]) -> list[tuple[list[str], str]]:
        found = []
        for field in schema.fields:
            path = [*prefix, field.name]
            if isinstance(field.dataType, StructType) and field.dataType.fields:
                found += walk(field.dataType, path)
            else:
                found.append((path, field.dataType.simpleString()))
        return found

    columns = []
    for path, _ in walk(df.schema, []):
        col = F().col(quoted(path[0]))
        for part in path[1:]:
            col = col.getField(part)
        columns.append(col.alias(separator.join(path)))
    return df.select(*columns)


# --- error records ------------------------------------------------------------------------------------------


def error_records(df: Any, condition: Any, transformation: str, info: str, field: Any, message: Any) -> Any:
    """The rows of `df` where `condition` holds, as Glue-style error records (the record kept as JSON text)."""
    record = F().to_json(F().struct(*[F().col(quoted(c)) for c in df.columns]))
    return df.filter(condition).select(
        F().lit(transformation).alias("transformation"),
        F().lit(info).alias("info"),
        field.alias("field"),
        message.alias("error"),
        record.alias("record"),
    )


def empty_errors(spark: Any) -> Any:
    return spark.createDataFrame([], ", ".join(f"{c} string" for c in ERROR_COLUMNS))


# --- apply_mapping --------------------------------------------------------------------------------------------


def apply_mapping(df: Any, mappings: Sequence[Sequence[str]], case_sensitive: bool) -> tuple[Any, Any | None]:
    """(mapped rows, failing rows) for Glue mappings (source, source type, target, target type).

    Only mapped fields are returned. A value the cast turns into null becomes an error record (our reading of
    Glue's error records; the docs do not say what a failed cast does) and its record leaves the result.
    """
    targets: list[tuple[list[str], Any]] = []
    failures: list[tuple[str, Any]] = []
    for mapping in mappings:
        if len(mapping) != 4:
            raise ValueError(f"a mapping is (source, source type, target, target type), got {mapping!r}")
        source, _source_type, target, target_type = mapping
        parts = split_path(source)
        top = resolve_name(df, parts[0], case_sensitive)
        if top is None or not has_path(df, ".".join(quoted(p) for p in [top, *parts[1:]])):
            continue  # Glue drops a mapping whose source no record has
        src = column(".".join(quoted(p) for p in [top, *parts[1:]]))
        casted = cast(src, target_type)
        targets.append((split_path(target), casted))
        source_kind = _type_at(df, [top, *parts[1:]])
        if source_kind != spark_type(target_type) and spark_type(target_type) != "string":
            failures.append((source, (src.isNotNull() & casted.isNull())))
    if not targets:
        return df.select(), None
    if not failures:
        return df.select(*nest(targets)), None
    bad = F().lit(False)
    for _, condition in failures:
        bad = bad | condition
    field = F().concat_ws(",", *[F().when(c, F().lit(name)) for name, c in failures])
    errors = error_records(df, bad, "ApplyMapping", "", field, F().lit("value cannot be cast to the target type"))
    return df.filter(~bad).select(*nest(targets)), errors


def _type_at(df: Any, parts: list[str]) -> str:
    schema: Any = df.schema
    for part in parts:
        schema = schema[part].dataType
    return str(schema.simpleString())


# --- choice columns ---------------------------------------------------------------------------------------------


# The value kinds each project:<type> keeps.
_PROJECTED = {"int": ["int"], "bigint": ["int", "long"], "double": ["int", "long", "double"], "string": ["string"]}


def value_kind(col: Any) -> Any:
    """The Glue type a text value holds: int, long, double or string (numbers read from text files are numbers)."""
    is_int = col.rlike(_INT)
    fits_int = col.cast("int").isNotNull()
    return (
        F()
        .when(col.isNull(), F().lit(None))
        .when(is_int & fits_int, F().lit("int"))
        .when(is_int, F().lit("long"))
        .when(col.rlike(_NUMBER), F().lit("double"))
        .otherwise(F().lit("string"))
    )


def detect_choices(df: Any, text_columns: Iterable[str]) -> dict[str, list[str]]:
    """{column: [types]} for the text columns whose values hold more than one type (one aggregate pass)."""
    candidates = [c for c in text_columns if c in df.columns and df.schema[c].dataType.simpleString() == "string"]
    if not candidates:
        return {}
    kinds = ("int", "long", "double", "string")
    aggregates = [
        F().max(F().when(value_kind(F().col(quoted(c))) == k, 1).otherwise(0)).alias(f"{i}_{k}")
        for i, c in enumerate(candidates)
        for k in kinds
    ]
    row = df.agg(*aggregates).collect()[0]
    found = {}
    for i, name in enumerate(candidates):
        present = [k for k in kinds if row[f"{i}_{k}"]]
        if len(present) > 1:
            found[name] = present
    return found


def resolve_column(df: Any, name: str, action: str, kinds: list[str], catalog_type: str | None) -> Any:
    """Apply one resolveChoice action to column `name` (a choice column stored as text, or a typed column)."""
    col = F().col(quoted(name))
    kind = value_kind(col)
    verb, _, argument = action.partition(":")
    if verb == "cast":
        return df.withColumn(name, cast(col, argument))
    if verb == "project":
        # Only values of the type are kept (ResolveChoice's docs); a narrower number fits a wider type.
        kept = _PROJECTED.get(spark_type(argument), [argument.strip().lower()])
        return df.withColumn(name, F().when(kind.isin(kept), cast(col, argument)))
    if verb == "match_catalog":
        if catalog_type is None:
            raise ValueError(f"match_catalog: the catalog table has no column {name}")
        return df.withColumn(name, col.cast(catalog_type))
    if verb in ("make_cols", "make_struct"):
        if not kinds:
            return df
        parts = [F().when(kind == k, cast(col, k)).alias(f"{name}_{k}" if verb == "make_cols" else k) for k in kinds]
        if verb == "make_struct":
            return df.withColumn(name, F().struct(*parts))
        position = df.columns.index(name)
        others = [F().col(quoted(c)) for c in df.columns]
        return df.select(*others[:position], *parts, *others[position + 1 :])
    raise ValueError(f"unknown resolveChoice action {action!r}: use cast:<type>, project:<type>, make_cols, "
                     "make_struct or match_catalog")  # fmt: skip


def resolve_nested(df: Any, path: str, action: str) -> Any:
    """cast:<type> or project:<type> at a nested path: `a.b` into structs, `list[].b` into every array element
    (Glue's path syntax for choices inside arrays)."""
    verb, _, argument = action.partition(":")
    if verb not in ("cast", "project"):
        from awsglue._glueflow.unsupported import unsupported

        unsupported(f"resolveChoice {verb} on a nested path", path)
    segments = [(part[:-2], True) if part.endswith("[]") else (part, False) for part in path.split(".")]
    kept = _PROJECTED.get(spark_type(argument), [argument.strip().lower()])

    def resolve(value: Any) -> Any:
        if verb == "cast":
            return cast(value, argument)
        return F().when(value_kind(value.cast("string")).isin(kept), cast(value, argument))

    def inner(value: Any, is_array: bool, rest: list[tuple[str, bool]]) -> Any:
        return F().transform(value, lambda element: plain(element, rest)) if is_array else plain(value, rest)

    def plain(value: Any, rest: list[tuple[str, bool]]) -> Any:
        if not rest:
            return resolve(value)
        name, is_array = rest[0]
        return value.withField(name, inner(value.getField(name), is_array, rest[1:]))

    top, is_array = segments[0]
    if top not in df.columns:
        return df
    return df.withColumn(top, inner(F().col(quoted(top)), is_array, segments[1:]))


# --- relationalize -----------------------------------------------------------------------------------------------


def relationalize(df: Any, root: str) -> dict[str, Any]:
    """Glue's relationalize: nested structs flatten to `a.b` columns; each array moves to its own table
    `<root>_<path>` with `id` (the value left in the parent's column), `index` and `<path>.val` (or
    `<path>.val.<field>` for struct elements), recursively for arrays inside arrays. Ids count from 1."""
    from pyspark.sql import Window
    from pyspark.sql.types import ArrayType

    tables: dict[str, Any] = {}
    pending = [(root, df)]
    while pending:
        name, frame = pending.pop(0)
        flat = flatten(frame)
        arrays = [f.name for f in flat.schema.fields if isinstance(f.dataType, ArrayType)]
        if not arrays:
            tables[name] = flat
            continue
        # Freeze the row ids (a checkpoint), so parent and child tables agree on them.
        order = Window.orderBy(F().monotonically_increasing_id())
        flat = flat.withColumn("__rid", F().row_number().over(order).cast("long")).localCheckpoint()
        for array in arrays:
            element = F().posexplode(F().col(quoted(array))).alias("index", "val")
            exploded = flat.select(F().col("__rid").alias("id"), element)
            child = exploded.select("id", "index", F().struct(F().col("val").alias("val")).alias(array))
            pending.append((f"{root}_{array}", child))
            flat = flat.withColumn(array, F().when(F().col(quoted(array)).isNotNull(), F().col("__rid")))
        tables[name] = flat.drop("__rid")
    return tables


def schema_lines(schema: Any, choices: Mapping[str, list[str]], indent: str = "") -> list[str]:
    """Glue's printSchema layout: `|-- name: type`, nested fields indented, choice columns with their types."""
    from pyspark.sql.types import ArrayType, StructType

    lines = []
    for field in schema.fields:
        if field.name in choices and not indent:
            lines.append(f"{indent}|-- {field.name}: choice")
            lines += [f"{indent}|    |-- {k}" for k in choices[field.name]]
            continue
        data_type = field.dataType
        if isinstance(data_type, StructType):
            lines.append(f"{indent}|-- {field.name}: struct")
            lines += schema_lines(data_type, {}, indent + "|    ")
        elif isinstance(data_type, ArrayType):
            lines.append(f"{indent}|-- {field.name}: array")
            element = data_type.elementType
            if isinstance(element, StructType):
                lines.append(f"{indent}|    |-- element: struct")
                lines += schema_lines(element, {}, indent + "|    |    ")
            else:
                lines.append(f"{indent}|    |-- element: {glue_type(element.simpleString())}")
        else:
            lines.append(f"{indent}|-- {field.name}: {glue_type(data_type.simpleString())}")
    return lines


_COMPARISONS = {"=": "==", "==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def comparison_condition(comparison_dict: Mapping[str, Mapping[str, Any]]) -> Any:
    """split_rows' {"path": {">": 10, "<": 20}} as one Spark condition (all comparisons must hold)."""
    condition = F().lit(True)
    for path, comparisons in comparison_dict.items():
        col = column(path)
        for operator, value in comparisons.items():
            op = _COMPARISONS.get(operator)
            if op is None:
                raise ValueError(f"split_rows: unknown comparison {operator!r}")
            condition = (
                condition
                & {
                    "==": col == value,
                    "!=": col != value,
                    "<": col < value,
                    "<=": col <= value,
                    ">": col > value,
                    ">=": col >= value,
                }[op]
            )
    return F().coalesce(condition, F().lit(False))
