"""Glue's built-in classifiers, one file at a time: recognise CSV, JSON and Parquet and infer a schema.

The rules follow the AWS Glue developer guide ("Built-in classifiers", "How does the crawler detect the
schema?"): a crawler reads the first 1,000 records or the first megabyte of a CSV/JSON file and only the
footer of a Parquet file. The CSV classifier tries the delimiters , | tab ; and Ctrl-A, needs two columns and
two rows, and detects a header only when every header cell is a string and the data below is not all strings.
Column types are what the crawler writes to the catalog: bigint/double/boolean/string for CSV, the JSON value
types (int, bigint, double, boolean, string, struct<...>, array<...>) for JSON, and the Parquet schema for
Parquet. Grouping files into tables and partitions lives in `crawler.py`.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import Union

SAMPLE_BYTES = 1024 * 1024  # Glue reads the first megabyte of a text file...
SAMPLE_RECORDS = 1000  # ...or its first 1,000 records, whichever comes first.

CSV_DELIMITERS = (",", "|", "\t", ";", "\x01")  # Glue's order; ties go to the earlier one.
_HEADER_CELL_MAX = 150  # header cells (but the last) must be shorter than this
_NAME_MAX = 255  # Glue's NameString limit
_NAME_CHARS = re.compile("[\u0020-\ud7ff\ue000-\ufffd\t]+")  # Glue's NameString pattern, minus surrogates
_BIGINT = re.compile(r"[+-]?\d+")
_DOUBLE = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
LAZY_SIMPLE_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV_SERDE = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


# --- Glue column types --------------------------------------------------------------------------------------
# Nested types are kept as trees while schemas are merged across records and files, and rendered to Glue's
# type strings (struct<a:int,b:array<string>>) at the end. `None` means "only nulls seen so far".


@dataclass(frozen=True)
class Struct:
    fields: tuple[tuple[str, GlueType | None], ...]


@dataclass(frozen=True)
class Array:
    element: GlueType | None


@dataclass(frozen=True)
class MapOf:
    key: GlueType | None
    value: GlueType | None


GlueType = Union[str, Struct, Array, MapOf]  # noqa: UP007 (a runtime alias; `|` needs the classes first)

_NUMERIC_RANK = {"tinyint": 1, "smallint": 2, "int": 3, "bigint": 4, "float": 5, "double": 6}
_INTEGERS = {"tinyint", "smallint", "int", "bigint"}
_DECIMAL = re.compile(r"decimal\((\d+),(\d+)\)")


def render_type(glue_type: GlueType | None) -> str:
    """The type string Glue stores in `Column.Type`; an all-null column is a string, as Glue makes it."""
    if glue_type is None:
        return "string"
    if isinstance(glue_type, Struct):
        return "struct<" + ",".join(f"{name}:{render_type(t)}" for name, t in glue_type.fields) + ">"
    if isinstance(glue_type, Array):
        return f"array<{render_type(glue_type.element)}>"
    if isinstance(glue_type, MapOf):
        return f"map<{render_type(glue_type.key)},{render_type(glue_type.value)}>"
    return glue_type


def merge_types(left: GlueType | None, right: GlueType | None) -> GlueType | None:
    """The narrowest type holding both: ints widen to bigint, numbers to double, structs merge field by field;
    any other mix becomes string (Glue's crawler does the same for conflicting samples)."""
    if left is None or left == right:
        return right
    if right is None:
        return left
    if isinstance(left, Struct) and isinstance(right, Struct):
        return Struct(_merge_fields(left.fields, right.fields))
    if isinstance(left, Array) and isinstance(right, Array):
        return Array(merge_types(left.element, right.element))
    if isinstance(left, MapOf) and isinstance(right, MapOf):
        return MapOf(merge_types(left.key, right.key), merge_types(left.value, right.value))
    if isinstance(left, str) and isinstance(right, str):
        return _merge_primitives(left, right)
    return "string"


def _merge_primitives(left: str, right: str) -> str:
    if left in _NUMERIC_RANK and right in _NUMERIC_RANK:
        if "float" in (left, right) and {left, right} & _INTEGERS:
            return "double"  # a float cannot hold every int exactly
        return max(left, right, key=_NUMERIC_RANK.__getitem__)
    left_dec, right_dec = _DECIMAL.fullmatch(left), _DECIMAL.fullmatch(right)
    if left_dec and right_dec:
        scale = max(int(left_dec[2]), int(right_dec[2]))
        digits = max(int(left_dec[1]) - int(left_dec[2]), int(right_dec[1]) - int(right_dec[2]))
        return f"decimal({min(38, digits + scale)},{scale})"
    if {left, right} == {"date", "timestamp"}:
        return "timestamp"
    return "string"


def _merge_fields(
    left: Sequence[tuple[str, GlueType | None]], right: Sequence[tuple[str, GlueType | None]]
) -> tuple[tuple[str, GlueType | None], ...]:
    """Union of named fields in order of first appearance, types merged where names meet."""
    merged: dict[str, GlueType | None] = dict(left)
    for name, glue_type in right:
        merged[name] = merge_types(merged[name], glue_type) if name in merged else glue_type
    return tuple(merged.items())


def merge_columns(
    column_lists: Iterable[Sequence[tuple[str, GlueType | None]]],
) -> tuple[tuple[str, GlueType | None], ...]:
    """One table schema from many files: every column seen, in order of first appearance."""
    return reduce(_merge_fields, column_lists, ())


# --- What one file is ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileSchema:
    """A classified file: its format, schema and the statistics the crawler records."""

    classification: str  # csv | json | parquet
    compression: str  # none | gzip | bzip2
    columns: tuple[tuple[str, GlueType | None], ...]
    size: int  # bytes on disk
    record_count: int  # exact for Parquet and for text files read whole; estimated otherwise
    average_record_size: int  # bytes per record (uncompressed)
    delimiter: str | None = None
    has_header: bool = False
    quoted: bool = False
    json_paths: tuple[str, ...] = field(default=())
    quote_char: str = '"'
    classifier: str = ""  # the custom classifier that recognised the file; "" = a built-in one

    @property
    def grouping_key(self) -> tuple[str, str, str | None, bool]:
        """Files share a table only if these agree (Glue's "data compatibility": format, compression...)."""
        return (self.classification, self.compression, self.delimiter, self.has_header)

    def describe(self) -> str:
        by = f" by classifier {self.classifier}" if self.classifier else ""
        if self.classification != "csv":
            return self.classification + by
        header = "header row" if self.has_header else "no header"
        return f"csv{by} (delimiter {self.delimiter!r}, {header}{', quoted' if self.quoted else ''})"


@dataclass(frozen=True)
class Unclassified:
    """A file no built-in classifier recognised; the crawler skips it and says why."""

    reason: str


@dataclass(frozen=True)
class StorageFormat:
    """The storage-descriptor parts and table parameters Glue writes for one classification."""

    input_format: str
    output_format: str
    serde_library: str
    serde_parameters: dict[str, str]
    parameters: dict[str, str]


def classify_file(path: Path, custom: Sequence[dict] = ()) -> FileSchema | Unclassified:
    """Classify one file the way Glue's built-in classifiers do, reading only what they read. A text file goes
    to the crawler's `custom` classifiers first (GetClassifier shapes, see custom_classifiers.py)."""
    try:
        size = path.stat().st_size
        if size == 0:
            return Unclassified("empty object")
        with path.open("rb") as raw:
            magic = raw.read(4)
            if magic == b"PAR1":
                return _classify_parquet(path, size)
            if magic[:3] == b"ORC" or magic == b"Obj\x01":
                return Unclassified(f"{'ORC' if magic[:3] == b'ORC' else 'Avro'} is not supported by the local crawler")
            raw.seek(0)
            return _classify_text(raw, size, custom)
    except (OSError, EOFError, ValueError) as exc:  # unreadable or corrupt (bad gzip, broken footer...)
        return Unclassified(f"cannot be read: {exc}")


@dataclass(frozen=True)
class _Sample:
    text: str
    complete: bool  # the whole file fit in the sample
    compression: str
    sample_bytes: int  # uncompressed bytes in `text`
    raw_bytes_read: int  # on-disk bytes consumed to get them


def _read_sample(raw: io.BufferedReader) -> _Sample:
    head = raw.peek(3)[:3]
    reader: io.BufferedIOBase | io.BufferedReader = raw
    compression = "none"
    if head[:2] == b"\x1f\x8b":
        reader, compression = gzip.GzipFile(fileobj=raw), "gzip"
    elif head == b"BZh":
        reader, compression = bz2.BZ2File(raw), "bzip2"
    data = reader.read(SAMPLE_BYTES + 1)
    complete = len(data) <= SAMPLE_BYTES
    if not complete:  # drop the record cut in half by the sample boundary
        data = data[: data.rfind(b"\n", 0, SAMPLE_BYTES) + 1] or data[:SAMPLE_BYTES]
    text = data.decode("utf-8-sig", errors="replace")
    raw_bytes = len(data) if compression == "none" else raw.tell()  # compressed: about what was consumed
    return _Sample(text, complete, compression, len(data), raw_bytes)


def _classify_text(raw: io.BufferedReader, size: int, custom: Sequence[dict] = ()) -> FileSchema | Unclassified:
    sample = _read_sample(raw)
    if "\x00" in sample.text:
        return Unclassified("binary content that is not CSV, JSON or Parquet")
    if not sample.text.strip():
        return Unclassified("no records")
    if custom:
        from glueflow.local.custom_classifiers import classify_custom  # it builds on this module

        found = classify_custom(sample, size, custom)
        if found is not None:
            return found
    if sample.text.lstrip()[:1] in ("{", "["):
        records = _json_records(sample.text)
        if records:
            return _json_schema(records, sample, size)
    return _classify_csv(sample, size)


def _estimate_records(counted: int, sample: _Sample, size: int) -> int:
    """Exact when the whole file was read; otherwise scaled from the sample, as Glue estimates recordCount."""
    if sample.complete or sample.raw_bytes_read == 0:
        return counted
    return round(counted * size / sample.raw_bytes_read)


# --- JSON -----------------------------------------------------------------------------------------------------


def _json_records(text: str) -> list[dict[str, object]]:
    """All JSON values in the sample (JSON lines, or pretty-printed objects one after another). A top-level
    array is one record with a single column `array`, as Glue's JSON classifier makes it."""
    decoder = json.JSONDecoder()
    records: list[dict[str, object]] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break  # a malformed or cut record ends the sample; what came before still counts
        if isinstance(value, dict):
            records.append(value)
        elif isinstance(value, list):
            records.append({"array": value})
        else:
            return []  # a bare number or string is not a JSON table
    return records


def _json_type(value: object) -> GlueType | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        if _INT32[0] <= value <= _INT32[1]:
            return "int"
        return "bigint" if _INT64[0] <= value <= _INT64[1] else "double"
    if isinstance(value, float):
        return "double"
    if isinstance(value, dict):
        return Struct(tuple((str(k), _json_type(v)) for k, v in value.items()))
    if isinstance(value, list):
        return Array(reduce(merge_types, (_json_type(v) for v in value), None))
    return "string"


def _json_schema(records: list[dict[str, object]], sample: _Sample, size: int) -> FileSchema:
    # Top-level names are folded to lower case (the catalog is case-insensitive); nested field names are kept.
    typed = records[:SAMPLE_RECORDS]  # types from the first 1,000 records; the count from the whole sample
    columns = merge_columns(tuple((k.lower(), _json_type(v)) for k, v in record.items()) for record in typed)
    paths = sorted({key for record in typed for key in record})
    return FileSchema(
        classification="json",
        compression=sample.compression,
        columns=columns,
        size=size,
        record_count=_estimate_records(len(records), sample, size),
        average_record_size=sample.sample_bytes // len(records),
        json_paths=tuple(paths),
    )


# --- CSV ------------------------------------------------------------------------------------------------------


def csv_value_type(value: str) -> str | None:
    """Glue's CSV cell types after trimming: boolean, bigint, double or string; an empty cell is a null.
    An integer too large for a bigint is a double (it parses as Java's Double, not as its Long)."""
    value = value.strip()
    if not value:
        return None
    if value.lower() in ("true", "false"):
        return "boolean"
    if _BIGINT.fullmatch(value):
        return "bigint" if len(value) < 19 or _INT64[0] <= int(value) <= _INT64[1] else "double"
    if _DOUBLE.fullmatch(value):
        return "double"
    return "string"


def _parse_rows(text: str, delimiter: str, limit: int | None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    return [row for row in itertools.islice(reader, limit) if row]


def _detect_delimiter(text: str) -> tuple[str, int, list[list[str]]] | None:
    """The delimiter whose rows agree best on a field count of two or more; among equally consistent ones the
    one giving more fields, then Glue's order. Returns the delimiter, the field count and the sampled rows."""
    best: tuple[float, int, str, list[list[str]]] | None = None
    for delimiter in CSV_DELIMITERS:
        if delimiter not in text:
            continue
        rows = _parse_rows(text, delimiter, SAMPLE_RECORDS)
        counts = Counter(len(row) for row in rows)
        fields, agreeing = counts.most_common(1)[0]
        consistency = agreeing / len(rows)
        if fields >= 2 and consistency >= 0.5 and (best is None or (consistency, fields) > best[:2]):
            best = (consistency, fields, delimiter, rows)
    return (best[2], best[1], best[3]) if best else None


def _column_types(rows: Sequence[Sequence[str]], width: int) -> list[GlueType | None]:
    columns = list(itertools.zip_longest(*rows, fillvalue=""))[:width]  # short rows read as empty cells
    return [_column_type(column) for column in columns] + [None] * (width - len(columns))


def _column_type(values: Iterable[str]) -> str | None:
    """Same answer as merging `csv_value_type` over the cells, but with the work mapped in C: a crawl of
    many files spends most of its time here."""
    cells = list(filter(None, map(str.strip, values)))
    if not cells:
        return None
    if all(map(_BIGINT.fullmatch, cells)):
        fits = max(map(len, cells)) < 19 or all(_INT64[0] <= int(c) <= _INT64[1] for c in cells)
        return "bigint" if fits else "double"
    if all(map(_DOUBLE.fullmatch, cells)):  # integers match too: ints and doubles make a double column
        return "double"
    if set(map(str.lower, cells)) <= {"true", "false"}:
        return "boolean"
    return "string"


def _is_header(first: Sequence[str], data: Sequence[Sequence[str]], types: Sequence[GlueType | None]) -> bool:
    """Glue's documented heuristic: every header cell is a string, shorter than 150 characters (but the last),
    a valid column name, and the data below is not all strings. Only the last cell may be empty, and only if
    the whole column is (a trailing delimiter)."""
    if all(t in (None, "string") for t in types):
        return False  # not sufficiently different from the data rows
    last = len(first) - 1
    for i, cell in enumerate(cell.strip() for cell in first):
        if not cell:
            if i == last and types[i] is None:
                continue
            return False
        if csv_value_type(cell) != "string" or (i < last and len(cell) >= _HEADER_CELL_MAX):
            return False
        if len(cell) > _NAME_MAX or not _NAME_CHARS.fullmatch(cell):
            return False
    return True


def _header_names(first: Sequence[str]) -> list[str]:
    names: list[str] = []
    for i, cell in enumerate(first):
        name = cell.strip().lower() or f"col{i}"
        names.append(f"{name}_{i}" if name in names else name)  # keep duplicate header names apart
    return names


def _classify_csv(sample: _Sample, size: int) -> FileSchema | Unclassified:
    detected = _detect_delimiter(sample.text)
    if detected is None:
        return Unclassified("not CSV: no delimiter (, | tab ; Ctrl-A) splits the rows into two or more columns")
    delimiter, width, rows = detected
    if len(rows) < 2:
        return Unclassified("not CSV: Glue's CSV classifier needs at least two rows")
    first, rest = rows[0], rows[1:]
    types = _column_types(rest, len(first))
    has_header = _is_header(first, rest, types)
    if has_header:
        names = _header_names(first)
    else:
        names = [f"col{i}" for i in range(width)]
        types = _column_types(rows, width)
    counted = len(rows) if len(rows) < SAMPLE_RECORDS else len(_parse_rows(sample.text, delimiter, None))
    total_rows = counted - has_header
    field_opens_with_quote = re.compile(rf'(?:^|{re.escape(delimiter)})[ \t]*"', re.MULTILINE)
    quoted = '"' in sample.text and field_opens_with_quote.search(sample.text) is not None
    return FileSchema(
        classification="csv",
        compression=sample.compression,
        columns=tuple(zip(names, types, strict=True)),
        size=size,
        record_count=_estimate_records(total_rows, sample, size),
        average_record_size=sample.sample_bytes // max(1, total_rows + has_header),
        delimiter=delimiter,
        has_header=has_header,
        quoted=quoted,
    )


# --- Parquet --------------------------------------------------------------------------------------------------


def _classify_parquet(path: Path, size: int) -> FileSchema:
    import pyarrow.parquet as pq  # deferred: pyarrow takes a while to import and only Parquet needs it

    parquet = pq.ParquetFile(path)  # reads the footer only
    schema = parquet.schema_arrow
    rows = parquet.metadata.num_rows
    return FileSchema(
        classification="parquet",
        compression="none",  # Parquet compresses inside the file; Glue records compressionType none
        columns=tuple((f.name.lower(), arrow_to_glue(f.type)) for f in schema),
        size=size,
        record_count=rows,
        average_record_size=size // rows if rows else 0,
    )


def arrow_to_glue(arrow_type: object) -> GlueType:
    """Map an Arrow type (as read from a Parquet footer) to the Hive type Glue writes to the catalog."""
    import pyarrow as pa
    import pyarrow.types as t

    assert isinstance(arrow_type, pa.DataType)
    simple = (
        (t.is_boolean, "boolean"),
        (t.is_int8, "tinyint"),
        (t.is_uint8, "smallint"),
        (t.is_int16, "smallint"),
        (t.is_uint16, "int"),
        (t.is_int32, "int"),
        (t.is_uint32, "bigint"),
        (t.is_int64, "bigint"),
        (t.is_uint64, "bigint"),
        (t.is_float16, "float"),
        (t.is_float32, "float"),
        (t.is_float64, "double"),
        (t.is_string, "string"),
        (t.is_large_string, "string"),
        (t.is_binary, "binary"),
        (t.is_large_binary, "binary"),
        (t.is_fixed_size_binary, "binary"),
        (t.is_date, "date"),
        (t.is_timestamp, "timestamp"),
    )
    for check, glue_type in simple:
        if check(arrow_type):
            return glue_type
    if t.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if t.is_dictionary(arrow_type):
        return arrow_to_glue(arrow_type.value_type)
    if t.is_map(arrow_type):
        return MapOf(arrow_to_glue(arrow_type.key_type), arrow_to_glue(arrow_type.item_type))
    if t.is_list(arrow_type) or t.is_large_list(arrow_type) or t.is_fixed_size_list(arrow_type):
        return Array(arrow_to_glue(arrow_type.value_type))
    if t.is_struct(arrow_type):
        return Struct(tuple((f.name, arrow_to_glue(f.type)) for f in arrow_type))
    return "string"  # time-of-day, durations, nulls: no Hive equivalent that Spark reads back


# --- Table-level format ---------------------------------------------------------------------------------------


def storage_format(schemas: Sequence[FileSchema]) -> StorageFormat:
    """Input/output format, SerDe and table parameters for files of one table (same grouping key)."""
    first = schemas[0]
    parameters = {"classification": first.classification, "compressionType": first.compression, "typeOfData": "file"}
    if first.classification == "parquet":
        return StorageFormat(PARQUET_INPUT, PARQUET_OUTPUT, PARQUET_SERDE, {"serialization.format": "1"}, parameters)
    if first.classification == "json":
        paths = sorted({p for s in schemas for p in s.json_paths})
        return StorageFormat(TEXT_INPUT, TEXT_OUTPUT, JSON_SERDE, {"paths": ",".join(paths)}, parameters)
    delimiter = first.delimiter or ","
    quoted = any(s.quoted for s in schemas)
    parameters |= {"delimiter": delimiter, "columnsOrdered": "true", "areColumnsQuoted": str(quoted).lower()}
    if first.has_header:
        parameters["skip.header.line.count"] = "1"
    if quoted:  # LazySimpleSerDe would keep the quotes and split on commas inside them
        serde, serde_parameters = OPEN_CSV_SERDE, {"separatorChar": delimiter, "quoteChar": first.quote_char}
    else:
        serde, serde_parameters = LAZY_SIMPLE_SERDE, {"field.delim": delimiter}
    return StorageFormat(TEXT_INPUT, TEXT_OUTPUT, serde, serde_parameters, parameters)
