"""The local crawler on small real folders: tables, partitions, naming, exclusions and schema-change policy."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from glueflow.local.crawler import DEPRECATED, CrawlResult, CrawlTarget, crawl, glob_to_regex

HEADER = "customer_id,name,email,purchase_amount,purchase_date\n"
ROWS = [
    "1,John Doe,john@example.com,150.00,2024-01-15\n",
    "2,Jane Smith,jane@example.com,200.00,2024-01-16\n",
    "3,Bob Johnson,bob@example.com,75.00,2024-01-17\n",
]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run(
    local: Path,
    s3: str,
    *,
    existing: dict[str, dict] | None = None,
    prefix: str = "",
    exclusions: list[str] | None = None,
    update: str = "UPDATE_IN_DATABASE",
    delete: str = "LOG",
) -> CrawlResult:
    return crawl(
        [CrawlTarget(local, s3, exclusions or [])],
        database="lake",
        table_prefix=prefix,
        existing=existing or {},
        update_behavior=update,
        delete_behavior=delete,
        crawler_name="lake-crawler",
    )


def catalog(result: CrawlResult, before: dict[str, dict] | None = None) -> dict[str, dict]:
    """What the store holds after applying a crawl result (as GetTable returns tables)."""
    tables = dict(before or {})
    for table in result.tables_to_create + result.tables_to_update:
        tables[table["Name"]] = {**table, "DatabaseName": "lake", "CreateTime": 0.0}
    for name in result.tables_to_delete:
        del tables[name]
    return tables


def columns(table: dict) -> dict[str, str]:
    return {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}


def test_customer_purchases_folder_becomes_table_named_after_it(tmp_path: Path) -> None:
    write(tmp_path / "raw/input/sample-data.csv", HEADER + "".join(ROWS))
    result = run(tmp_path / "raw/input", "s3://raw-bucket/input/")
    [table] = result.tables_to_create
    assert table["Name"] == "input"
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["StorageDescriptor"]["Location"] == "s3://raw-bucket/input/"
    assert columns(table) == {
        "customer_id": "bigint",
        "name": "string",
        "email": "string",
        "purchase_amount": "double",
        "purchase_date": "string",
    }
    params = table["Parameters"]
    assert params["classification"] == "csv"
    assert params["recordCount"] == "3" and params["objectCount"] == "1"
    assert params["sizeKey"] == str((tmp_path / "raw/input/sample-data.csv").stat().st_size)
    assert params["UPDATED_BY_CRAWLER"] == "lake-crawler"
    assert table["PartitionKeys"] == [] and result.partitions == {"input": []}
    assert any("Created table input" in m for m in result.messages)


def test_files_of_one_schema_form_one_table(tmp_path: Path) -> None:
    write(tmp_path / "in/a.csv", HEADER + ROWS[0])
    write(tmp_path / "in/b.csv", HEADER + ROWS[1] + "3,Al,al@x.org,12,2024-02-01\n")
    [table] = run(tmp_path / "in", "s3://b/in/").tables_to_create
    assert table["Parameters"]["objectCount"] == "2"
    assert table["Parameters"]["recordCount"] == "3"
    assert columns(table)["purchase_amount"] == "double"  # 150.00 in one file, 12 in the other


def test_hive_partitions_become_string_keys_with_one_partition_each(tmp_path: Path) -> None:
    for month in ("01", "02"):
        write(tmp_path / f"sales/year=2024/month={month}/data.csv", HEADER + "".join(ROWS))
    result = run(tmp_path / "sales", "s3://lake/sales/")
    [table] = result.tables_to_create
    assert table["Name"] == "sales"
    assert table["PartitionKeys"] == [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"}]
    assert "year" not in columns(table)
    partitions = result.partitions["sales"]
    assert [p["Values"] for p in partitions] == [["2024", "01"], ["2024", "02"]]
    assert partitions[1]["StorageDescriptor"]["Location"] == "s3://lake/sales/year=2024/month=02/"
    assert partitions[1]["StorageDescriptor"]["Columns"] == table["StorageDescriptor"]["Columns"]
    assert partitions[1]["Parameters"]["recordCount"] == "3"


def test_unnamed_folders_become_partition_0_and_1(tmp_path: Path) -> None:
    write(tmp_path / "logs/2024/01/a.csv", HEADER + ROWS[0])
    write(tmp_path / "logs/2024/02/b.csv", HEADER + ROWS[1])
    result = run(tmp_path / "logs", "s3://lake/logs/")
    [table] = result.tables_to_create
    assert [k["Name"] for k in table["PartitionKeys"]] == ["partition_0", "partition_1"]
    assert [p["Values"] for p in result.partitions["logs"]] == [["2024", "01"], ["2024", "02"]]


def test_spark_parquet_output_with_partitions_and_markers(tmp_path: Path) -> None:
    out = tmp_path / "processed/output"
    data = pa.table({"customer_id": pa.array([1, 2], pa.int32()), "amount": [1.5, 2.5], "country": ["fr", "de"]})
    pq.write_to_dataset(data, out, partition_cols=["country"])
    write(out / "_SUCCESS", "")
    write(out / ".part-0.crc", "crc")
    write(out / "_temporary/0/leftover.csv", "junk,junk\n1,2\n")
    result = run(out, "s3://processed/output/")
    [table] = result.tables_to_create
    assert table["Name"] == "output"
    assert table["Parameters"]["classification"] == "parquet"
    assert columns(table) == {"customer_id": "int", "amount": "double"}
    assert table["PartitionKeys"] == [{"Name": "country", "Type": "string"}]
    assert sorted(p["Values"][0] for p in result.partitions["output"]) == ["de", "fr"]
    assert table["Parameters"]["recordCount"] == "2"


def test_table_prefix_and_name_normalisation(tmp_path: Path) -> None:
    write(tmp_path / "My-Data.2024/a.csv", HEADER + ROWS[0] + ROWS[1])
    [table] = run(tmp_path / "My-Data.2024", "s3://lake/My-Data.2024/", prefix="raw_").tables_to_create
    assert table["Name"] == "raw_my_data_2024"


def test_bucket_root_table_is_named_after_the_bucket(tmp_path: Path) -> None:
    write(tmp_path / "bucket/a.csv", HEADER + ROWS[0] + ROWS[1])
    [table] = run(tmp_path / "bucket", "s3://landing-zone").tables_to_create
    assert table["Name"] == "landing_zone"
    assert table["StorageDescriptor"]["Location"] == "s3://landing-zone/"


def test_exclusions_are_honoured(tmp_path: Path) -> None:
    write(tmp_path / "in/a.csv", HEADER + ROWS[0] + ROWS[1])
    write(tmp_path / "in/readme.txt", "not data")
    write(tmp_path / "in/archive/2020/old.csv", "x,y\nfoo,1\n")
    result = run(tmp_path / "in", "s3://b/in/", exclusions=["*.txt", "archive/**"])
    [table] = result.tables_to_create
    assert table["Parameters"]["objectCount"] == "1"
    assert table["PartitionKeys"] == []
    assert any("2 object(s) matched the exclusions" in m for m in result.messages)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*.csv", "a.csv", True),
        ("*.csv", "sub/a.csv", False),  # * stays within a folder
        ("**.csv", "sub/deep/a.csv", True),
        ("*.{csv,json}", "a.json", True),
        ("archive/*", "archive/a.csv", True),
        ("archive/*", "archive/x/a.csv", False),
        ("archive/**", "archive/x/a.csv", True),
        ("data?.csv", "data1.csv", True),
        ("[!a]*.csv", "a1.csv", False),
    ],
)
def test_exclusion_globs_follow_glue_semantics(pattern: str, path: str, matches: bool) -> None:
    assert (glob_to_regex(pattern).fullmatch(path) is not None) is matches


def test_unknown_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    write(tmp_path / "in/a.csv", HEADER + ROWS[0] + ROWS[1])
    (tmp_path / "in/blob.bin").write_bytes(bytes(range(256)))
    result = run(tmp_path / "in", "s3://b/in/")
    assert len(result.tables_to_create) == 1
    assert any(m.startswith("Skipped s3://b/in/blob.bin: binary content") for m in result.messages)


def test_incompatible_subfolders_become_one_table_each(tmp_path: Path) -> None:
    # The AWS docs example: {"A","B"} and {"C","D"} are not similar, so year_2017 and year_2018 are tables.
    write(tmp_path / "t/year=2017/data1.json", json.dumps({"A": 1, "B": 2}) + "\n")
    write(tmp_path / "t/year=2018/data2.json", json.dumps({"C": 3, "D": 4}) + "\n")
    result = run(tmp_path / "t", "s3://b/table1/")
    by_name = {t["Name"]: t for t in result.tables_to_create}
    assert set(by_name) == {"year_2017", "year_2018"}
    assert columns(by_name["year_2017"]) == {"a": "int", "b": "int"}
    assert by_name["year_2018"]["StorageDescriptor"]["Location"] == "s3://b/table1/year=2018/"


def test_mostly_similar_partitions_stay_one_table_with_merged_columns(tmp_path: Path) -> None:
    base = {"a": 1, "b": 2, "c": 3, "d": 4}
    for year in range(2018, 2022):
        write(tmp_path / f"t/year={year}/d.json", json.dumps(base) + "\n")
    write(tmp_path / "t/year=2022/d.json", json.dumps({**base, "e": 5.5}) + "\n")  # 4 of 5 shared: similar
    result = run(tmp_path / "t", "s3://b/t/")
    [table] = result.tables_to_create
    assert columns(table) == {"a": "int", "b": "int", "c": "int", "d": "int", "e": "double"}
    assert len(result.partitions["t"]) == 5


def test_different_formats_in_one_folder_become_one_table_per_file(tmp_path: Path) -> None:
    write(tmp_path / "mixed/people.csv", HEADER + ROWS[0] + ROWS[1])
    write(tmp_path / "mixed/events.json", json.dumps({"id": 1}) + "\n")
    result = run(tmp_path / "mixed", "s3://b/mixed/")
    by_name = {t["Name"]: t for t in result.tables_to_create}
    assert set(by_name) == {"people_csv", "events_json"}
    assert by_name["events_json"]["StorageDescriptor"]["Location"] == "s3://b/mixed/events.json"


def test_single_object_include_path(tmp_path: Path) -> None:
    path = write(tmp_path / "one/sample-data.csv", HEADER + ROWS[0] + ROWS[1])
    [table] = run(path, "s3://b/one/sample-data.csv").tables_to_create
    assert table["Name"] == "sample_data_csv"
    assert table["StorageDescriptor"]["Location"] == "s3://b/one/sample-data.csv"


def test_empty_folder_creates_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run(tmp_path / "empty", "s3://b/empty/")
    assert (result.tables_to_create, result.tables_to_update, result.partitions) == ([], [], {})
    assert any("no data objects found" in m for m in result.messages)
    missing = run(tmp_path / "nope", "s3://b/nope/")
    assert missing.tables_to_create == [] and any("no objects found" in m for m in missing.messages)


def test_unchanged_recrawl_creates_and_updates_nothing(tmp_path: Path) -> None:
    write(tmp_path / "in/a.csv", HEADER + ROWS[0] + ROWS[1])
    first = catalog(run(tmp_path / "in", "s3://b/in/"))
    write(tmp_path / "in/b.csv", HEADER + ROWS[2])  # more data, same schema: statistics are not a change
    again = run(tmp_path / "in", "s3://b/in/", existing=first)
    assert again.tables_to_create == [] and again.tables_to_update == [] and again.tables_to_delete == []
    assert "Table in is unchanged." in again.messages


def test_new_partition_is_reported_for_an_unchanged_table(tmp_path: Path) -> None:
    write(tmp_path / "s/year=2023/a.csv", HEADER + "".join(ROWS))
    first = catalog(run(tmp_path / "s", "s3://b/s/"))
    write(tmp_path / "s/year=2024/a.csv", HEADER + "".join(ROWS))
    again = run(tmp_path / "s", "s3://b/s/", existing=first, update="LOG")
    assert again.tables_to_update == []
    assert [p["Values"] for p in again.partitions["s"]] == [["2023"], ["2024"]]


def _crawl_then_add_column(tmp_path: Path, update: str) -> tuple[dict[str, dict], CrawlResult]:
    write(tmp_path / "in/a.csv", HEADER + ROWS[0] + ROWS[1])
    first = catalog(run(tmp_path / "in", "s3://b/in/"))
    first["in"]["Description"] = "curated by hand"
    first["in"]["Parameters"]["owner_team"] = "payments"
    write(tmp_path / "in/a.csv", HEADER.strip() + ",coupon\n" + ROWS[0].strip() + ",0.5\n" + ROWS[1].strip() + ",1\n")
    return first, run(tmp_path / "in", "s3://b/in/", existing=first, update=update)


def test_update_in_database_updates_a_changed_table(tmp_path: Path) -> None:
    _, result = _crawl_then_add_column(tmp_path, "UPDATE_IN_DATABASE")
    [updated] = result.tables_to_update
    assert columns(updated)["coupon"] == "double"
    assert updated["Description"] == "curated by hand"  # what users set survives
    assert updated["Parameters"]["owner_team"] == "payments"
    assert "DatabaseName" not in updated  # a TableInput, not a Table
    assert any("Updated table in: new columns coupon double" in m for m in result.messages)


def test_log_policy_leaves_a_changed_table_and_logs_the_change(tmp_path: Path) -> None:
    _, result = _crawl_then_add_column(tmp_path, "LOG")
    assert result.tables_to_update == [] and result.tables_to_create == []
    [message] = [m for m in result.messages if m.startswith("Table in changed")]
    assert "new columns coupon double" in message and "UpdateBehavior is LOG" in message


def test_type_change_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "in/a.csv", "id,v\n1,2\n2,3\n")
    first = catalog(run(tmp_path / "in", "s3://b/in/"))
    write(tmp_path / "in/a.csv", "id,v\n1,2.5\n2,3\n")
    [updated] = run(tmp_path / "in", "s3://b/in/", existing=first).tables_to_update
    assert columns(updated)["v"] == "double"


def _crawl_then_remove(tmp_path: Path, delete: str) -> tuple[dict[str, dict], CrawlResult]:
    write(tmp_path / "in/old/a.csv", HEADER + ROWS[0] + ROWS[1])
    write(tmp_path / "in/new/a.json", json.dumps({"x": 1}) + "\n")
    write(tmp_path / "in/keep/a.json", json.dumps({"y": 1, "z": 2}) + "\n")
    first = catalog(run(tmp_path / "in", "s3://b/in/"))
    assert set(first) == {"old", "new", "keep"}
    other = {"Name": "elsewhere", "StorageDescriptor": {"Location": "s3://other/data/"}, "Parameters": {}}
    first["elsewhere"] = other  # another crawler's table in the same database
    (tmp_path / "in/old/a.csv").unlink()
    return first, run(tmp_path / "in", "s3://b/in/", existing=first, delete=delete)


def test_delete_behaviour_log_keeps_the_table(tmp_path: Path) -> None:
    _, result = _crawl_then_remove(tmp_path, "LOG")
    assert result.tables_to_delete == [] and result.tables_to_update == []
    assert any("Table old has no data left" in m and "DeleteBehavior is LOG" in m for m in result.messages)


def test_delete_from_database_deletes_only_this_crawlers_vanished_table(tmp_path: Path) -> None:
    _, result = _crawl_then_remove(tmp_path, "DELETE_FROM_DATABASE")
    assert result.tables_to_delete == ["old"]


def test_deprecate_in_database_marks_the_table(tmp_path: Path) -> None:
    before, result = _crawl_then_remove(tmp_path, "DEPRECATE_IN_DATABASE")
    [deprecated] = result.tables_to_update
    assert deprecated["Name"] == "old"
    assert int(deprecated["Parameters"][DEPRECATED]) > 0
    assert columns(deprecated) == columns(before["old"])
    # Crawled again with the table already deprecated: nothing more to do.
    again = run(tmp_path / "in", "s3://b/in/", existing=catalog(result, before), delete="DEPRECATE_IN_DATABASE")
    assert again.tables_to_update == []


def test_name_taken_by_another_location_gets_a_hash_suffix(tmp_path: Path) -> None:
    write(tmp_path / "in/a.csv", HEADER + ROWS[0] + ROWS[1])
    foreign = {"Name": "in", "StorageDescriptor": {"Location": "s3://other/in/"}, "Parameters": {}}
    result = run(tmp_path / "in", "s3://b/in/", existing={"in": foreign})
    [table] = result.tables_to_create
    assert table["Name"].startswith("in_") and len(table["Name"]) == len("in_") + 8
    assert result.tables_to_delete == [] and result.tables_to_update == []


def test_invalid_policy_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="UpdateBehavior must be one of"):
        run(tmp_path, "s3://b/", update="MERGE")


def test_repo_sample_data_catalogs_as_the_input_table() -> None:
    sample = Path(__file__).resolve().parents[2] / "pipelines/sample_data/customer_purchases"
    result = run(sample, "s3://glueflow-local-raw/input/")
    [table] = result.tables_to_create
    assert columns(table) == {
        "customer_id": "bigint",
        "name": "string",
        "email": "string",
        "purchase_amount": "double",
        "purchase_date": "string",
    }
    assert table["Parameters"]["recordCount"] == "5"
