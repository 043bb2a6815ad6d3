"""The layer's CSV reader: Glue's widening to the widest line and typed values, with the widest line and columns
that are text for certain taken from the raw bytes instead of Spark passes (same results as the passes)."""

from __future__ import annotations

import bz2
import gzip
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def layer() -> Iterator[Any]:
    from glueflow.local import glue_layer

    sys.path.insert(0, str(glue_layer.LAYER_DIR))
    from awsglue._glueflow import csv_text, reading

    yield reading, csv_text
    sys.path.remove(str(glue_layer.LAYER_DIR))
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        del sys.modules[name]


def _files(folder: Path) -> list[str]:
    folder.mkdir()
    (folder / "crlf.csv").write_bytes(b"1,a\r\n2,b,c\r\n")
    (folder / "cr.csv").write_bytes(b"3,d\r4,e,f,g\r")  # old Mac line ends: 4 fields on the second line
    (folder / "last.csv").write_bytes(b"5,h\n6,i,j,k,l")  # the widest line has no line end
    (folder / "empty.csv").write_bytes(b"")
    (folder / "blank.csv").write_bytes(b"\n\n")
    (folder / "zipped.csv.gz").write_bytes(gzip.compress(b"7,m\n8,n,o,p,q,r\n"))
    (folder / "packed.csv.bz2").write_bytes(bz2.compress("9,ü\n10,é,ß\n".encode()))
    return sorted(str(p) for p in folder.iterdir())


def test_widest_line_matches_a_spark_scan_of_the_same_text(layer: Any, spark: Any, tmp_path: Path) -> None:
    reading, _ = layer
    files = _files(tmp_path / "in")
    for selection in [files, *([f] for f in files)]:
        for separator in (",", "|", "é,"):
            expected = reading._widest_line_spark(spark, selection, separator)
            assert reading._widest_line(spark, selection, separator) == expected, (selection, separator)
    assert reading._widest_line(spark, files, ",") == 6
    assert reading._widest_line(spark, [str(tmp_path / "in" / "empty.csv")], ",") == 0


def test_header_less_csv_widens_to_the_widest_line_and_types_numbers(layer: Any, spark: Any, tmp_path: Path) -> None:
    reading, _ = layer
    folder = tmp_path / "orders"
    folder.mkdir()
    (folder / "a.csv").write_text("1,2.5,true\n2,3.0,false\n")
    (folder / "b.csv").write_text("3,4.5,true,extra,more\n")
    threshold = "spark.sql.sources.parallelPartitionDiscovery.threshold"
    spark.conf.set(threshold, "7")
    df = reading.read_format(spark, sorted(str(p) for p in folder.iterdir()), "csv", {"withHeader": False})
    assert spark.conf.get(threshold) == "7"  # a read leaves the session's settings as they were
    spark.conf.unset(threshold)
    assert df.columns == ["col0", "col1", "col2", "col3", "col4"]
    assert [f.dataType.simpleString() for f in df.schema.fields] == ["int", "double", "boolean", "string", "string"]
    rows = sorted(tuple(r) for r in df.collect())
    assert rows == [(1, 2.5, True, None, None), (2, 3.0, False, None, None), (3, 4.5, True, "extra", "more")]


CASES = {
    # Each file starts with a header line: every column is text there, so inference gives text everywhere.
    "headers": ["id,qty,price,flag\n007,2,1.50,true\n", "id,qty,price,flag\n8,3,2.5,false\n"],
    # Only the second file's first line proves column 0 text; columns 1 and 2 are proved by the first file.
    "spread": ["1,a,b\n2,c,d\n", "x,3,4\n"],
    # Column 0 is text only on a later line: not proved from first lines, so the inference pass decides.
    "later": ["1,a\n2,b\nx,c\n"],
    # Number-like first lines (hex, exponent, suffix, NaN, Inf, grouping comma) prove nothing.
    "numbers": ["0x1p3,1e5,2d,NaN,Infinity,-Inf,TRUE\nq,q,q,q,q,q,q\n"],
    # A quoted first line is not split by hand.
    "quoted": ['"a,b",c\n1,2\n'],
    # First lines of different widths: the width is the one Spark reads, from the largest file's first line.
    "widths": ["a,b\n1,2\n", "c,d,e\n3,4,5\n6,7,8\n"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_types_equal_spark_inference_whether_or_not_the_pass_is_skipped(
    layer: Any, spark: Any, tmp_path: Path, case: str
) -> None:
    reading, _ = layer
    folder = tmp_path / case
    folder.mkdir()
    for i, text in enumerate(CASES[case]):
        (folder / f"part-{i}.csv").write_text(text)
    files = sorted(str(p) for p in folder.iterdir())
    inferred = spark.read.option("inferSchema", "true").option("prefersDate", "false").csv(files)
    expected = ["string" if f.dataType.simpleString() in ("date", "timestamp") else f.dataType.simpleString()
                for f in inferred.schema.fields]  # fmt: skip
    df = reading.read_format(spark, files, "csv", {"withHeader": False})
    assert [f.dataType.simpleString() for f in df.schema.fields][: len(expected)] == expected
    skipped = reading._all_text_width(spark.read, files, {}) is not None
    assert skipped == (case in ("headers", "spread", "widths")), case
    if case == "headers":
        assert sorted(tuple(r) for r in df.collect())[0] == ("007", "2", "1.50", "true")  # the text as written


def test_text_values_are_what_no_number_parser_takes(layer: Any) -> None:
    _, csv_text = layer
    text = ["order_id", "price", "C001", "2024-01-15", "  ", "1.5x", "é"]
    number_or_flag = ["12", "-3", "+4.5", "1,000", ".5", "1e-3", "0x1F", "0x1.8p1", "7f", "NaN", "-Infinity", "Inf",
                      " 42 ", "True", "false", "", "٣"]  # fmt: skip
    assert [v for v in text if not csv_text._is_text(v)] == ["  "]  # blank is null to Spark, not proof of text
    assert [v for v in number_or_flag if csv_text._is_text(v)] == []
