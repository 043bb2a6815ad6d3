"""The job library's Spark parts on small real data: data-quality evaluation, dynamic partition overwrite,
raw CSV reads that keep malformed lines, bookmarked catalog reads, and the quarantine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from glueflow_lib import dq
from glueflow_lib.bookmarks import LocalBookmarks
from glueflow_lib.context import JobContext
from glueflow_lib.quarantine import Column, parse_columns, unconvertible, write_quarantine
from glueflow_lib.sinks import write_parquet
from glueflow_lib.sources import CORRUPT, read_csv_files, read_table
from jobs.conftest import register_csv_table

pytestmark = pytest.mark.spark


def test_dq_rules_count_failing_rows_and_check_raises_after_writing_results(spark: Any, tmp_path: Path) -> None:
    df = spark.createDataFrame(
        [(1, "north", 2), (2, "south", 0), (2, None, 5), (None, "mars", 1)], "order_id int, region string, quantity int"
    )
    rules = [
        "row_count > 3",
        "is_complete(order_id)",
        "is_unique(order_id)",
        "column_values(quantity) > 0",
        "column_values(region) in ['north', 'south']",
        "column_values(quantity) between 0 and 5",
    ]
    results = dq.evaluate(df, dq.parse_rules(rules))
    assert [(r.passed, r.failing_rows) for r in results] == [
        (True, 0),
        (False, 1),
        (False, 1),
        (False, 1),
        (False, 1),
        (True, 0),
    ]

    job = JobContext({"JOB_NAME": "j", "JOB_RUN_ID": "jr_9"}, spark=spark)
    with pytest.raises(dq.DataQualityError, match="4 data-quality rule"):
        dq.check(job, df, rules, "orders", str(tmp_path / "dq"))
    table = spark.read.parquet(str(tmp_path / "dq" / "orders")).collect()
    assert sorted(r["outcome"] for r in table) == ["FAILED"] * 4 + ["PASSED"] * 2
    assert {r["job_run_id"] for r in table} == {"jr_9"}


def test_partitioned_rewrite_replaces_only_its_partitions(spark: Any, tmp_path: Path) -> None:
    path = str(tmp_path / "out")
    write_parquet(spark.createDataFrame([("d1", 1), ("d2", 2)], "day string, v int"), path, partition_by=["day"])
    write_parquet(spark.createDataFrame([("d2", 20), ("d3", 3)], "day string, v int"), path, partition_by=["day"])
    write_parquet(spark.createDataFrame([("d2", 20), ("d3", 3)], "day string, v int"), path, partition_by=["day"])
    assert sorted((r["day"], r["v"]) for r in spark.read.parquet(path).collect()) == [("d1", 1), ("d2", 20), ("d3", 3)]


def _files_per_folder(path: Path) -> dict[str, int]:
    return {folder.name: len(list(folder.glob("part-*.parquet"))) for folder in sorted(path.glob("*=*"))}


def test_a_partitioned_write_makes_one_file_per_partition_small_in_one_task_large_by_hash(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glueflow_lib import sinks

    rows = spark.range(0, 3000, 1, numPartitions=6).selectExpr("id", "CAST(id % 3 AS STRING) AS day")
    small = sinks._one_task_per_partition(rows, ["day"])
    assert small.rdd.getNumPartitions() == 1
    assert "Exchange" not in small._jdf.queryExecution().executedPlan().toString()  # no shuffle for a few rows

    monkeypatch.setattr(sinks, "ONE_TASK_WRITE_BYTES", 1)  # every size counts as large
    large = sinks._one_task_per_partition(rows, ["day"])
    assert "Exchange hashpartitioning(day" in large._jdf.queryExecution().executedPlan().toString()
    write_parquet(rows, str(tmp_path / "large"), partition_by=["day"])
    monkeypatch.undo()
    write_parquet(rows, str(tmp_path / "small"), partition_by=["day"])

    expected = {"day=0": 1, "day=1": 1, "day=2": 1}  # 6 input partitions, yet one file per folder either way
    assert _files_per_folder(tmp_path / "small") == expected == _files_per_folder(tmp_path / "large")
    assert spark.read.parquet(str(tmp_path / "large")).count() == 3000


def test_raw_csv_read_keeps_malformed_lines_drops_headers_and_bookmarks_files(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.csv").write_text("id,amount\n1,2.5\n2,x\n", encoding="utf-8")
    (source / "b.csv").write_text("invalid,data,format\n", encoding="utf-8")
    out = tmp_path / "bookmark.json"
    job = JobContext({"JOB_NAME": "j"}, spark=spark, bookmarks=LocalBookmarks(None, out))

    raw = read_csv_files(job, str(source), ["id", "amount"], transformation_ctx="src")
    valid, invalid = parse_columns(raw, [Column("id", type="bigint"), Column("amount", type="double")])
    assert [(r["id"], r["amount"]) for r in valid.collect()] == [(1, 2.5)]
    assert sorted(r["_quarantine_reason"] for r in invalid.collect()) == [
        "amount 'x' is not a double",
        "malformed line (expected 2 fields): invalid,data,format",
    ]
    assert raw.filter(raw[CORRUPT].isNotNull()).count() == 1
    job.commit()

    (source / "c.csv").write_text("id,amount\n3,1.0\n", encoding="utf-8")
    second = JobContext({"JOB_NAME": "j"}, spark=spark, bookmarks=LocalBookmarks(out, tmp_path / "b2.json"))
    again = read_csv_files(second, str(source), ["id", "amount"], transformation_ctx="src")
    assert [r["id"] for r in again.collect()] == ["3"]
    assert second.counters["files_read_src"] == 1


def test_bookmarked_table_read_returns_only_unprocessed_files(spark: Any, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "one.csv").write_text("id,name\n1,a\n", encoding="utf-8")
    register_csv_table(spark, "lib_db", "t", folder, "id bigint, name string")
    out = tmp_path / "bm.json"
    first = JobContext({"JOB_NAME": "j"}, spark=spark, bookmarks=LocalBookmarks(None, out))
    assert [r["id"] for r in read_table(first, "lib_db", "t", transformation_ctx="t").collect()] == [1]
    first.commit()

    (folder / "two.csv").write_text("id,name\n2,b\n", encoding="utf-8")
    spark.catalog.refreshTable("lib_db.t")
    second = JobContext({"JOB_NAME": "j"}, spark=spark, bookmarks=LocalBookmarks(out, None))
    assert [r["id"] for r in read_table(second, "lib_db", "t", transformation_ctx="t").collect()] == [2]
    assert len(json.loads(out.read_text())["sources"]["t"]["files"]) == 1


def test_unconvertible_splits_a_plain_dataframe_too(spark: Any) -> None:
    df = spark.createDataFrame([("1", "2.5"), ("x", "3"), ("2", "lots")], "id string, amount string")
    good, rejected = unconvertible(df, [("id", "string", "id", "int"), ("amount", "string", "amount", "double")])
    assert sorted((r["id"], r["amount"]) for r in good.collect()) == [("1", "2.5")]
    assert type(good) is type(df)
    assert sorted(r["_quarantine_reason"] for r in rejected.collect()) == [
        "amount 'lots' is not a double",
        "id 'x' is not a int",
    ]


def test_write_quarantine_counts_what_it_writes_and_leaves_nothing_when_empty(spark: Any, tmp_path: Path) -> None:
    job = JobContext({"JOB_NAME": "j", "JOB_RUN_ID": "jr_1"}, spark=spark)
    rows = spark.createDataFrame([("x", "bad id"), ("y", "bad id")], "id string, _quarantine_reason string")
    assert write_quarantine(job, rows, str(tmp_path / "q"), "orders") == 2
    written = spark.read.parquet(str(tmp_path / "q" / "orders")).collect()
    assert sorted((r["id"], r["job_run_id"]) for r in written) == [("x", "jr_1"), ("y", "jr_1")]
    assert all(r["_quarantined_at"] is not None for r in written)

    empty = rows.filter("id = 'none'")
    assert write_quarantine(job, empty, str(tmp_path / "e"), "orders") == 0
    assert write_quarantine(job, empty, str(tmp_path / "k"), "orders", count=0) == 0
    assert not (tmp_path / "e").exists()
    assert not (tmp_path / "k").exists()
    assert job.counters["quarantined_orders"] == 2

    # A count the caller already has is trusted: the rows are written without a pass to count them.
    second = JobContext({"JOB_NAME": "j", "JOB_RUN_ID": "jr_2"}, spark=spark)
    assert write_quarantine(second, rows, str(tmp_path / "q"), "orders", count=2) == 2
    runs = {r["job_run_id"] for r in spark.read.parquet(str(tmp_path / "q" / "orders")).collect()}
    assert runs == {"jr_1", "jr_2"}
    # Rows from many input partitions still make one file per run.
    spread = spark.range(0, 40, 1, 8).selectExpr("CAST(id AS STRING) AS id", "'bad id' AS _quarantine_reason")
    third = JobContext({"JOB_NAME": "j", "JOB_RUN_ID": "jr_3"}, spark=spark)
    assert write_quarantine(third, spread, str(tmp_path / "q"), "orders", count=40) == 40
    assert len(list((tmp_path / "q" / "orders" / "job_run_id=jr_3").glob("*.parquet"))) == 1
