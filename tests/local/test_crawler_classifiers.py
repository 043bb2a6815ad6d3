"""Glue's built-in classifiers on small real files: formats, headers, delimiters, types, sampling."""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from glueflow.local.classifiers import (
    OPEN_CSV_SERDE,
    SAMPLE_RECORDS,
    FileSchema,
    Unclassified,
    classify_file,
    render_type,
    storage_format,
)

CUSTOMER_PURCHASES = """customer_id,name,email,purchase_amount,purchase_date
1,John Doe,john@example.com,150.00,2024-01-15
2,Jane Smith,jane@example.com,200.00,2024-01-16
3,Bob Johnson,bob@example.com,75.00,2024-01-17
4,Alice Brown,alice@example.com,300.00,2024-01-18
5,Charlie Wilson,charlie@example.com,125.00,2024-01-19
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def classified(path: Path) -> FileSchema:
    schema = classify_file(path)
    assert isinstance(schema, FileSchema), schema
    return schema


def types(schema: FileSchema) -> dict[str, str]:
    return {name: render_type(t) for name, t in schema.columns}


def test_customer_purchases_csv_has_header_and_glue_csv_types(tmp_path: Path) -> None:
    schema = classified(write(tmp_path / "sample-data.csv", CUSTOMER_PURCHASES))
    assert schema.classification == "csv"
    assert schema.has_header and schema.delimiter == ","
    # Glue's CSV classifier keeps dates as strings and uses bigint, not int.
    assert types(schema) == {
        "customer_id": "bigint",
        "name": "string",
        "email": "string",
        "purchase_amount": "double",
        "purchase_date": "string",
    }
    assert schema.record_count == 5
    fmt = storage_format([schema])
    assert fmt.serde_library == "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    assert fmt.serde_parameters == {"field.delim": ","}
    assert fmt.parameters["skip.header.line.count"] == "1"
    assert fmt.parameters["areColumnsQuoted"] == "false"


def test_headerless_csv_gets_col0_col1_names(tmp_path: Path) -> None:
    schema = classified(write(tmp_path / "h.csv", "1,2.5,true\n2,3.5,false\n3,4,true\n"))
    assert not schema.has_header
    assert types(schema) == {"col0": "bigint", "col1": "double", "col2": "boolean"}
    assert schema.record_count == 3
    assert "skip.header.line.count" not in storage_format([schema]).parameters


def test_all_string_csv_keeps_its_first_row_as_data(tmp_path: Path) -> None:
    # Glue's documented limit: a header is only detected when some data column is not a string.
    schema = classified(write(tmp_path / "names.csv", "first,last\nada,lovelace\nalan,turing\n"))
    assert not schema.has_header
    assert types(schema) == {"col0": "string", "col1": "string"}
    assert schema.record_count == 3


def test_numeric_first_row_is_not_a_header(tmp_path: Path) -> None:
    schema = classified(write(tmp_path / "n.csv", "10,x\n20,y\n"))
    assert not schema.has_header
    assert [name for name, _ in schema.columns] == ["col0", "col1"]


def test_mixed_column_types_widen_like_glue(tmp_path: Path) -> None:
    text = "id,amount,flag,mixed,blank,code\n1,1,true,1,,A1\n2,2.5,FALSE,yes,,7\n3, 3 ,True,2.0,,9\n"
    schema = classified(write(tmp_path / "m.csv", text))
    assert schema.has_header
    assert types(schema) == {
        "id": "bigint",
        "amount": "double",  # ints and doubles -> double (" 3 " is trimmed first)
        "flag": "boolean",
        "mixed": "string",  # numbers and words -> string
        "blank": "string",  # never a value
        "code": "string",
    }


def test_quoted_csv_with_embedded_commas_uses_opencsvserde(tmp_path: Path) -> None:
    text = 'id,name,city\n1,"Doe, John","Paris, FR"\n2,"Roe, Jane",Berlin\n'
    schema = classified(write(tmp_path / "q.csv", text))
    assert schema.quoted and schema.has_header
    assert types(schema) == {"id": "bigint", "name": "string", "city": "string"}
    fmt = storage_format([schema])
    assert fmt.serde_library == OPEN_CSV_SERDE
    assert fmt.serde_parameters == {"separatorChar": ",", "quoteChar": '"'}
    assert fmt.parameters["areColumnsQuoted"] == "true"


@pytest.mark.parametrize("delimiter", ["|", "\t", ";", "\x01"])
def test_glue_delimiters_are_detected(tmp_path: Path, delimiter: str) -> None:
    rows = [["id", "price", "label"], ["1", "2.5", "a,b"], ["2", "3.5", "c,d"]]
    schema = classified(write(tmp_path / "d.txt", "".join(delimiter.join(r) + "\n" for r in rows)))
    assert schema.delimiter == delimiter
    assert types(schema) == {"id": "bigint", "price": "double", "label": "string"}


def test_header_cells_over_150_characters_are_not_a_header(tmp_path: Path) -> None:
    long_name = "x" * 150
    schema = classified(write(tmp_path / "l.csv", f"{long_name},b\n1,2\n3,4\n"))
    assert not schema.has_header


def test_single_column_text_is_not_csv(tmp_path: Path) -> None:
    result = classify_file(write(tmp_path / "notes.txt", "hello\nworld\n"))
    assert isinstance(result, Unclassified)
    assert "delimiter" in result.reason


def test_binary_and_empty_files_are_unclassified(tmp_path: Path) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)))
    empty = write(tmp_path / "empty.csv", "")
    assert isinstance(classify_file(binary), Unclassified)
    assert classify_file(empty) == Unclassified("empty object")


def test_json_lines_map_nested_values_to_glue_types(tmp_path: Path) -> None:
    records = [
        {"Id": 1, "user": {"name": "ada", "age": 36}, "tags": ["a", "b"], "score": 1.5, "ok": True, "note": None},
        {"Id": 2, "user": {"name": "alan", "email": "a@t.uk"}, "tags": [], "score": 2, "big": 2**40, "note": None},
    ]
    schema = classified(write(tmp_path / "events.json", "".join(json.dumps(r) + "\n" for r in records)))
    assert schema.classification == "json"
    assert types(schema) == {
        "id": "int",  # top-level names are folded to lower case
        "user": "struct<name:string,age:int,email:string>",  # struct fields merged across records
        "tags": "array<string>",
        "score": "double",  # 1.5 and 2 -> double
        "ok": "boolean",
        "note": "string",  # only nulls
        "big": "bigint",
    }
    fmt = storage_format([schema])
    assert fmt.serde_library == "org.openx.data.jsonserde.JsonSerDe"
    assert fmt.serde_parameters == {"paths": "Id,big,note,ok,score,tags,user"}
    assert schema.record_count == 2


def test_json_array_of_structs(tmp_path: Path) -> None:
    line = json.dumps({"items": [{"sku": "a", "qty": 1}, {"sku": "b", "price": 2.5}]})
    schema = classified(write(tmp_path / "o.json", line + "\n" + line + "\n"))
    assert types(schema) == {"items": "array<struct<sku:string,qty:int,price:double>>"}


def test_parquet_schema_comes_from_the_footer(tmp_path: Path) -> None:
    table = pa.table(
        {
            "Small": pa.array([1, 2], pa.int32()),
            "big": pa.array([1, 2], pa.int64()),
            "amount": pa.array([1.5, 2.5], pa.float64()),
            "name": pa.array(["a", "b"]),
            "ok": pa.array([True, False]),
            "day": pa.array([dt.date(2024, 1, 1), dt.date(2024, 1, 2)]),
            "at": pa.array([dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 1, 2)], pa.timestamp("us")),
            "price": pa.array([Decimal("1.25"), Decimal("2.50")], pa.decimal128(10, 2)),
            "tags": pa.array([["x"], []], pa.list_(pa.string())),
            "address": pa.array([{"city": "Paris", "zip": 75}, {"city": "Rome", "zip": 1}]),
            "attrs": pa.array([[("k", 1)], []], pa.map_(pa.string(), pa.int64())),
        }
    )
    path = tmp_path / "part-00000.snappy.parquet"
    pq.write_table(table, path)
    schema = classified(path)
    assert schema.classification == "parquet" and schema.compression == "none"
    assert types(schema) == {
        "small": "int",
        "big": "bigint",
        "amount": "double",
        "name": "string",
        "ok": "boolean",
        "day": "date",
        "at": "timestamp",
        "price": "decimal(10,2)",
        "tags": "array<string>",
        "address": "struct<city:string,zip:bigint>",
        "attrs": "map<string,bigint>",
    }
    assert schema.record_count == 2
    fmt = storage_format([schema])
    assert fmt.serde_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert fmt.input_format == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"


def test_corrupt_parquet_is_unclassified(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"garbage" * 10)
    result = classify_file(path)
    assert isinstance(result, Unclassified) and "cannot be read" in result.reason


@pytest.mark.parametrize(("opener", "compression"), [(gzip.open, "gzip"), (bz2.open, "bzip2")])
def test_compressed_csv_is_read_and_marked(tmp_path: Path, opener, compression: str) -> None:
    path = tmp_path / "data.csv.gz"
    with opener(path, "wt") as handle:
        handle.write(CUSTOMER_PURCHASES)
    schema = classified(path)
    assert schema.compression == compression
    assert types(schema)["purchase_amount"] == "double"
    assert storage_format([schema]).parameters["compressionType"] == compression


def test_only_the_first_records_are_sampled(tmp_path: Path) -> None:
    # A value past Glue's 1,000-record sample does not change the type, and the count is still right.
    rows = [f"{i},{i * 2}" for i in range(SAMPLE_RECORDS + 500)] + ["oops,3"]
    schema = classified(write(tmp_path / "big.csv", "id,value\n" + "\n".join(rows) + "\n"))
    assert types(schema) == {"id": "bigint", "value": "bigint"}
    assert schema.record_count == len(rows)


def test_record_count_is_estimated_past_one_megabyte(tmp_path: Path) -> None:
    line = "1," + "y" * 98 + "\n"  # 101 bytes a record
    path = write(tmp_path / "large.csv", line * 20_000)  # ~2 MB: only the first megabyte is read
    schema = classified(path)
    assert schema.record_count == pytest.approx(20_000, rel=0.01)


def test_integers_beyond_bigint_are_doubles_and_short_rows_are_nulls(tmp_path: Path) -> None:
    schema = classified(write(tmp_path / "w.csv", "id,huge,extra\n1,99999999999999999999,x\n2,1\n"))
    assert types(schema) == {"id": "bigint", "huge": "double", "extra": "string"}


def test_json_record_count_covers_the_whole_sample_but_types_only_the_first_records(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i}) for i in range(SAMPLE_RECORDS + 200)] + [json.dumps({"id": "late"})]
    schema = classified(write(tmp_path / "many.json", "\n".join(lines) + "\n"))
    assert types(schema) == {"id": "int"}
    assert schema.record_count == len(lines)
