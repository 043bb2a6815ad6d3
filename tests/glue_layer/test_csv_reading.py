"""The layer's CSV reader: Glue's widening to the widest line (computed without a Spark pass) and typed values."""

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
def reading() -> Iterator[Any]:
    from glueflow.local import glue_layer

    sys.path.insert(0, str(glue_layer.LAYER_DIR))
    from awsglue._glueflow import reading as module

    yield module
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


def test_widest_line_matches_a_spark_scan_of_the_same_text(reading: Any, spark: Any, tmp_path: Path) -> None:
    files = _files(tmp_path / "in")
    for selection in [files, *([f] for f in files)]:
        for separator in (",", "|", "é,"):
            expected = reading._widest_line_spark(spark, selection, separator)
            assert reading._widest_line(spark, selection, separator) == expected, (selection, separator)
    assert reading._widest_line(spark, files, ",") == 6
    assert reading._widest_line(spark, [str(tmp_path / "in" / "empty.csv")], ",") == 0


def test_header_less_csv_widens_to_the_widest_line_and_types_numbers(reading: Any, spark: Any, tmp_path: Path) -> None:
    folder = tmp_path / "orders"
    folder.mkdir()
    (folder / "a.csv").write_text("1,2.5,true\n2,3.0,false\n")
    (folder / "b.csv").write_text("3,4.5,true,extra,more\n")
    df = reading.read_format(spark, sorted(str(p) for p in folder.iterdir()), "csv", {"withHeader": False})
    assert df.columns == ["col0", "col1", "col2", "col3", "col4"]
    assert [f.dataType.simpleString() for f in df.schema.fields] == ["int", "double", "boolean", "string", "string"]
    rows = sorted(tuple(r) for r in df.collect())
    assert rows == [(1, 2.5, True, None, None), (2, 3.0, False, None, None), (3, 4.5, True, "extra", "more")]
