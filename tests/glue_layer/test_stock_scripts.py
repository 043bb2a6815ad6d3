"""Stock Glue scripts in the style of the AWS Glue documentation's examples run unchanged on the local awsglue
layer; every output is checked with DuckDB or pyarrow against the same input, not against log lines."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from .harness import DATABASE, GlueHarness

pytestmark = pytest.mark.spark

RAW = "s3://raw-bucket"
OUT = "s3://out-bucket"


def _rows(sql: str) -> list[tuple[Any, ...]]:
    return sorted(duckdb.sql(sql).fetchall(), key=repr)


def _table(glue: GlueHarness, name: str, columns: list[tuple[str, str]], location: str, fmt: str, **extra: Any) -> None:
    serde = {"json": "org.openx.data.jsonserde.JsonSerDe", "csv": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"}
    glue.call(
        "CreateTable",
        {
            "DatabaseName": DATABASE,
            "TableInput": {
                "Name": name,
                "Parameters": {"classification": fmt, **extra.get("parameters", {})},
                "StorageDescriptor": {
                    "Columns": [{"Name": n, "Type": t} for n, t in columns],
                    "Location": location,
                    "SerdeInfo": {
                        "SerializationLibrary": serde.get(fmt, ""),
                        "Parameters": extra.get("serde_parameters", {}),
                    },
                },
                "PartitionKeys": [],
            },
        },
    )


def _jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


PERSONS = [
    {"id": "p1", "name": "Ann", "family_name": "Lee", "contact_details": [{"type": "email", "value": "a@x"}]},
    {"id": "p2", "name": "Bo", "family_name": "Kim", "contact_details": []},
    {"id": "p3", "name": "Cy", "family_name": "Ray", "contact_details": [{"type": "fax", "value": "1"}, {"type": "tw", "value": "@c"}]},
]  # fmt: skip
MEMBERSHIPS = [
    {"person_id": "p1", "organization_id": "o1", "role": "member"},
    {"person_id": "p3", "organization_id": "o1", "role": "chair"},
    {"person_id": "p3", "organization_id": "o2", "role": "member"},
    {"person_id": "p9", "organization_id": "o2", "role": "ghost"},
]
ORGS = [
    {"id": "o1", "name": "Senate", "classification": "party", "other_names": [{"name": "S"}], "identifiers": []},
    {"id": "o2", "name": "House", "classification": "party", "other_names": [], "identifiers": [{"id": "h"}]},
]


def test_join_and_relationalize(glue: GlueHarness) -> None:
    for name, records in (("persons", PERSONS), ("memberships", MEMBERSHIPS), ("organizations", ORGS)):
        glue.put(f"{RAW}/legislators/{name}/{name}.json", _jsonl(records))
    _table(glue, "persons_json", [("id", "string"), ("name", "string"), ("family_name", "string"),
           ("contact_details", "array<struct<type:string,value:string>>")], f"{RAW}/legislators/persons/", "json")  # fmt: skip
    _table(glue, "memberships_json", [("person_id", "string"), ("organization_id", "string"), ("role", "string")],
           f"{RAW}/legislators/memberships/", "json")  # fmt: skip
    _table(glue, "organizations_json", [("id", "string"), ("name", "string"), ("classification", "string"),
           ("other_names", "array<struct<name:string>>"), ("identifiers", "array<struct<id:string>>")],
           f"{RAW}/legislators/organizations/", "json")  # fmt: skip
    glue.run("join_and_relationalize", {"--database": DATABASE, "--output_dir": f"{OUT}/legislators",
                                        "--temp_dir": f"{OUT}/tmp/"})  # fmt: skip

    raw = glue.path(f"{RAW}/legislators")
    expected = _rows(
        f"SELECT o.name, o.classification, p.id, p.name, m.role FROM '{raw}/persons/*.json' p "
        f"JOIN '{raw}/memberships/*.json' m ON p.id = m.person_id JOIN '{raw}/organizations/*.json' o "
        "ON o.id = m.organization_id"
    )
    out = glue.path(f"{OUT}/legislators")
    history = pq.read_table(out / "legislator_history")
    assert set(history.column_names) == {"org_name", "classification", "id", "name", "family_name",
                                         "contact_details", "organization_id", "role"}  # fmt: skip
    got = sorted(((r["org_name"], r["classification"], r["id"], r["name"], r["role"]) for r in history.to_pylist()),
                 key=repr)  # fmt: skip
    assert got == expected

    root = pq.read_table(out / "hist_root").to_pylist()
    contacts = pq.read_table(out / "hist_root_contact_details").to_pylist()
    assert {"id", "index", "contact_details.val.type", "contact_details.val.value"} <= set(contacts[0])
    # Every root row's contact_details id leads to exactly its own contacts, in order.
    by_person = {}
    for row in root:
        mine = sorted((c for c in contacts if c["id"] == row["contact_details"]), key=lambda c: c["index"])
        by_person[(row["id"], row["organization_id"])] = [c["contact_details.val.type"] for c in mine]
    assert by_person == {("p1", "o1"): ["email"], ("p3", "o1"): ["fax", "tw"], ("p3", "o2"): ["fax", "tw"]}


def test_resolve_choice_cast_make_cols_project(glue: GlueHarness, capsys: pytest.CaptureFixture[str]) -> None:
    records = [
        {"provider_id": 10, "city": "A"},
        {"provider_id": "x-7", "city": "B"},
        {"provider_id": 3000000000, "city": "C"},
    ]
    glue.put(f"{RAW}/medicare/part-0.json", _jsonl(records))
    glue.run("resolve_choice", {"--input_path": f"{RAW}/medicare/", "--output_path": f"{OUT}/medicare/"})
    schema = capsys.readouterr().out
    assert "|-- provider_id: choice\n|    |-- int\n|    |-- long\n|    |-- string\n" in schema
    assert "|-- city: string" in schema
    out = glue.path(f"{OUT}/medicare")
    cast = {r["city"]: r["provider_id"] for r in pq.read_table(out / "cast").to_pylist()}
    assert cast == {"A": 10, "B": None, "C": 3000000000}
    cols = pq.read_table(out / "make_cols")
    assert cols.column_names == ["city", "provider_id_int", "provider_id_long", "provider_id_string"]
    by_city = {r["city"]: r for r in cols.to_pylist()}
    assert by_city["A"]["provider_id_int"] == 10 and by_city["A"]["provider_id_string"] is None
    assert by_city["B"]["provider_id_string"] == "x-7" and by_city["C"]["provider_id_long"] == 3000000000
    project = {r["city"]: r["provider_id"] for r in pq.read_table(out / "project").to_pylist()}
    assert project == {"A": 10, "B": None, "C": 3000000000}  # only the numbers are kept


def test_resolve_choice_match_catalog(glue: GlueHarness) -> None:
    records = [
        {"provider_id": 10, "city": "A"},
        {"provider_id": "x-7", "city": "B"},
        {"provider_id": "12", "city": "C"},
    ]
    glue.put(f"{RAW}/providers_json/p.json", _jsonl(records))
    _table(glue, "providers_typed", [("provider_id", "bigint"), ("city", "string")], f"{RAW}/providers_json/", "json")
    glue.run("match_catalog", {"--database": DATABASE, "--input_path": f"{RAW}/providers_json/",
                               "--output_path": f"{OUT}/providers_typed/"})  # fmt: skip
    table = pq.read_table(glue.path(f"{OUT}/providers_typed"))
    assert str(table.schema.field("provider_id").type) == "int64"
    assert {r["city"]: r["provider_id"] for r in table.to_pylist()} == {"A": 10, "B": None, "C": 12}


MEDICARE = "drg,provider_id,provider_name,average_payments\n039,10001,SOUTHEAST,5777.24\n039,ABC,MARSHALL,5787.57\n"


def test_catalog_csv_reads_schema_on_read_with_a_choice_like_the_medicare_example(
    glue: GlueHarness, capsys: pytest.CaptureFixture[str]
) -> None:
    # The crawler sampled the first rows and typed provider_id bigint; a later file has a text id (AWS's example).
    glue.put(f"{RAW}/medicare_csv/part-1.csv", MEDICARE)
    columns = [
        ("drg", "bigint"),
        ("provider_id", "bigint"),
        ("provider_name", "string"),
        ("average_payments", "double"),
    ]
    _table(glue, "medicare", columns, f"{RAW}/medicare_csv/", "csv", parameters={"skip.header.line.count": "1"},
           serde_parameters={"field.delim": ","})  # fmt: skip
    glue.run("medicare_catalog", {"--database": DATABASE, "--output_path": f"{OUT}/medicare_res/"})
    printed = capsys.readouterr().out
    assert "|-- provider_id: choice\n|    |-- int\n|    |-- string\n" in printed
    assert "|-- provider_id: long" in printed  # after cast:long
    table = pq.read_table(glue.path(f"{OUT}/medicare_res"))
    rows = {r["provider_name"]: r["provider_id"] for r in table.to_pylist()}
    assert rows == {"SOUTHEAST": 10001, "MARSHALL": None}
    assert str(table.schema.field("average_payments").type) == "double"


def test_resolve_choice_inside_arrays(glue: GlueHarness) -> None:
    records = [{"id": 1, "myList": [{"price": 100.00}, {"price": "$100.00"}]}, {"id": 2, "myList": [{"price": 7}]}]
    glue.put(f"{RAW}/lists/l.json", _jsonl(records))
    glue.run("resolve_choice_in_arrays", {"--input_path": f"{RAW}/lists/", "--output_path": f"{OUT}/lists/"})
    table = pq.read_table(glue.path(f"{OUT}/lists"))
    assert str(table.schema.field("myList").type) == "list<element: struct<price: double>>"
    prices = {r["id"]: [item["price"] for item in r["myList"]] for r in table.to_pylist()}
    assert prices == {1: [100.0, None], 2: [7.0]}


ORDERS = "order_id,order_date,amount\nA1,2024-01-05,10.5\nA2,2024-02-10,20\nA3,2024-02-11,5.25\nA4,2024-03-01,7\nA5,2023-12-31,100\n"


def test_partitioned_sink_updates_catalog_then_push_down_predicate_reads_two_months(glue: GlueHarness) -> None:
    glue.put(f"{RAW}/orders/2024/orders.csv", ORDERS)
    glue.run("partition_to_catalog", {"--database": DATABASE, "--input_path": f"{RAW}/orders/",
                                      "--output_path": f"{OUT}/orders_by_month/"})  # fmt: skip
    table = glue.call("GetTable", {"DatabaseName": DATABASE, "Name": "orders_by_month"})["Table"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["year", "month"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["order_id", "order_date", "amount"]
    partitions = glue.call("GetPartitions", {"DatabaseName": DATABASE, "TableName": "orders_by_month"})["Partitions"]
    assert sorted(p["Values"] for p in partitions) == [["2023", "12"], ["2024", "01"], ["2024", "02"], ["2024", "03"]]
    out = glue.path(f"{OUT}/orders_by_month")
    assert (out / "year=2024" / "month=02").is_dir()
    src = glue.path(f"{RAW}/orders/2024/orders.csv")
    assert _rows(f"SELECT order_id, amount FROM read_parquet('{out}/**/*.parquet', hive_partitioning=true)") == _rows(
        f"SELECT order_id, amount FROM read_csv_auto('{src}')"
    )

    glue.run("push_down_predicate", {"--database": DATABASE, "--output_path": f"{OUT}/recent/"})
    got = _rows(
        f"SELECT year::VARCHAR, month::VARCHAR, revenue FROM read_csv_auto('{glue.path(f'{OUT}/recent')}/*.csv', all_varchar=true)"
    )
    expected = _rows(
        f"SELECT strftime(order_date, '%Y'), strftime(order_date, '%m'), SUM(amount)::VARCHAR FROM read_csv_auto('{src}') "
        "WHERE order_date >= DATE '2024-02-01' GROUP BY 1, 2"
    )
    assert [(y, m, float(r)) for y, m, r in got] == [(y, m, float(r)) for y, m, r in expected]


def test_jdbc_write_reaches_local_postgres(glue: GlueHarness) -> None:
    psycopg = pytest.importorskip("psycopg")
    from glueflow_lib.warehouse import local_postgres

    glue.put(f"{RAW}/crm/customers.csv", "id,name,balance\n1,Ann,10.5\n2,Bo,0\n3,Cy,-2.25\n")
    glue.run("jdbc_write", {"--input_path": f"{RAW}/crm/customers.csv", "--connection_name": "warehouse"})
    with local_postgres(glue.warehouse_dir) as uri, psycopg.connect(uri) as conn:
        rows = conn.execute("SELECT customer_id, name, balance FROM crm.customers ORDER BY customer_id").fetchall()
    src = glue.path(f"{RAW}/crm/customers.csv")
    assert (
        rows
        == duckdb.sql(f"SELECT id::BIGINT, name, balance::DOUBLE FROM read_csv_auto('{src}') ORDER BY id").fetchall()
    )


READINGS = "sensor,value,taken_at\ns1,10,2024-01-01 10:00:00\ns2,oops,2024-01-01 11:00:00\ns3,30,not a time\ns4,,2024-01-02 00:00:00\n"


def test_apply_mapping_error_records_and_threshold(glue: GlueHarness) -> None:
    from awsglue.dynamicframe import GlueErrorThresholdExceeded

    glue.put(f"{RAW}/readings/r.csv", READINGS)
    args = {"--input_path": f"{RAW}/readings/", "--output_path": f"{OUT}/readings/", "--stage_threshold": "0"}
    glue.run("mapping_errors", args)
    out = glue.path(f"{OUT}/readings")
    good = pq.read_table(out / "good").to_pylist()
    assert sorted(r["sensor"] for r in good) == ["s1", "s4"]  # s4's empty value is a null, not an error
    assert str(pq.read_table(out / "good").schema.field("value").type) == "int32"
    errors = [json.loads(line) for f in sorted((out / "errors").glob("*.json")) for line in f.read_text().splitlines()]
    assert sorted(e["field"] for e in errors) == ["taken_at", "value"]
    assert {json.loads(e["record"])["sensor"] for e in errors} == {"s2", "s3"}
    assert all(e["transformation"] == "ApplyMapping" for e in errors)

    with pytest.raises(GlueErrorThresholdExceeded, match="stageThreshold=1"):
        glue.run("mapping_errors", {**args, "--stage_threshold": "1", "--output_path": f"{OUT}/readings2/"})


PROVIDERS = (
    "name,street,city,state,payments\nA,1 Main,LA,CA,150\nB,2 Oak,NYC,NY,90\nC,3 Elm,Austin,TX,500\n"
    "D,4 Pine,SF,CA,101.5\n"
)


def test_filter_and_map_with_python_functions(glue: GlueHarness) -> None:
    glue.put(f"{RAW}/providers/p.csv", PROVIDERS)
    glue.run("filter_and_map", {"--input_path": f"{RAW}/providers/", "--output_path": f"{OUT}/providers/"})
    out = glue.path(f"{OUT}/providers")
    got = _rows(
        f"SELECT name, Address.Street, Address.City, Address.State, payments FROM read_json_auto('{out}/*.json')"
    )
    src = glue.path(f"{RAW}/providers/p.csv")
    expected = _rows(
        f"SELECT name, street, city, state, payments FROM read_csv_auto('{src}') WHERE state IN ('CA', 'NY') AND payments > 100"
    )
    assert got == expected


EVENTS = [
    {"id": 1, "user": {"name": "ann", "country": "NZ"}, "size": 12, "unused": None},
    {"id": 2, "user": {"name": "bo", "country": "FR"}, "size": 3, "unused": None},
    {"id": 3, "user": {"name": "cy", "country": "NZ"}, "size": 40, "unused": None},
]


def test_split_fields_rows_drop_null_fields_unnest_and_exclusions(glue: GlueHarness) -> None:
    glue.put(f"{RAW}/events/day=1/e.json", _jsonl(EVENTS[:2]))
    glue.put(f"{RAW}/events/day=2/e.json", _jsonl(EVENTS[2:]))
    glue.put(f"{RAW}/events/day=2/partial.tmp", _jsonl([{"id": 99, "size": 1000}]))  # excluded by the glob
    glue.run("split_and_clean", {"--input_path": f"{RAW}/events/", "--output_path": f"{OUT}/events/"})
    out = glue.path(f"{OUT}/events")
    users = duckdb.sql(f"SELECT * FROM read_csv_auto('{out}/users/*.csv')")
    assert users.columns == ["id", "user.name", "user.country"]
    assert sorted(users.fetchall()) == [(1, "ann", "NZ"), (2, "bo", "FR"), (3, "cy", "NZ")]
    big = duckdb.sql(f"SELECT * FROM read_csv_auto('{out}/big/*.csv')")
    assert big.columns == ["size"]  # `unused` was null everywhere: dropped
    assert sorted(big.fetchall()) == [(12,), (40,)]
    assert duckdb.sql(f"SELECT * FROM read_csv_auto('{out}/small/*.csv')").fetchall() == [(3,)]


def test_create_data_frame_and_write_to_catalog_table(glue: GlueHarness) -> None:
    glue.put(f"{RAW}/store_sales/s.csv", "store,quantity,unit_price\nn1,2,1.5\nn1,1,10\ns2,5,2\n")
    _table(glue, "store_sales", [("store", "string"), ("quantity", "bigint"), ("unit_price", "double")],
           f"{RAW}/store_sales/", "csv", parameters={"skip.header.line.count": "1"},
           serde_parameters={"field.delim": ","})  # fmt: skip
    glue.call("CreateTable", {"DatabaseName": DATABASE, "TableInput": {
        "Name": "store_totals", "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {"Columns": [{"Name": "store", "Type": "string"}, {"Name": "revenue", "Type": "double"},
                                          {"Name": "lines", "Type": "bigint"}],
                              "Location": f"{OUT}/store_totals/"}}})  # fmt: skip
    glue.run("catalog_round_trip", {"--database": DATABASE})
    got = _rows(f"SELECT store, revenue, lines FROM '{glue.path(f'{OUT}/store_totals')}/*.parquet'")
    src = glue.path(f"{RAW}/store_sales/s.csv")
    assert got == _rows(
        f"SELECT store, SUM(quantity * unit_price), COUNT(*) FROM read_csv_auto('{src}') GROUP BY store"
    )


def test_purge_then_write_is_idempotent(glue: GlueHarness) -> None:
    glue.put(f"{RAW}/inventory/i.csv", "sku|qty|note\nk1|3|a\nk2|4|b\n")
    args = {"--input_path": f"{RAW}/inventory/", "--output_path": f"{OUT}/inventory/"}
    glue.run("purge_then_write", args)
    glue.run("purge_then_write", args)
    files = sorted(
        p for p in glue.path(f"{OUT}/inventory").rglob("*") if p.is_file() and not p.name.startswith((".", "_"))
    )
    assert files and all(f.name.endswith(".csv.gz") for f in files)
    lines = [line for f in files for line in gzip.decompress(f.read_bytes()).decode().splitlines()]
    assert sorted(lines) == ["k1,3", "k2,4", "sku,quantity"]


def test_bookmarks_enable_pause_disable(glue: GlueHarness) -> None:
    def count(path: Path) -> int:
        return int(duckdb.sql(f"SELECT COUNT(*) FROM read_parquet('{path}/*.parquet')").fetchall()[0][0])

    glue.put(f"{RAW}/clicks/a.json", _jsonl([{"page": "a", "n": 1}, {"page": "b", "n": 2}]))
    args = {"--input_path": f"{RAW}/clicks/", "--output_path": f"{OUT}/clicks/"}
    glue.run("bookmarked_ingest", args, bookmark="job-bookmark-enable")
    out = glue.path(f"{OUT}/clicks")
    assert count(out) == 2
    glue.put(f"{RAW}/clicks/b.json", _jsonl([{"page": "c", "n": 3}]))
    glue.run("bookmarked_ingest", args, bookmark="job-bookmark-enable")
    assert count(out) == 3  # only b.json was read
    assert [Path(f).name for f in glue.bookmark_files("bookmarked_ingest")] == ["a.json", "b.json"]
    glue.put(f"{RAW}/clicks/c.json", _jsonl([{"page": "d", "n": 4}]))
    glue.run("bookmarked_ingest", args, bookmark="job-bookmark-pause")
    glue.run("bookmarked_ingest", args, bookmark="job-bookmark-pause")
    assert count(out) == 5  # paused: c.json twice, the bookmark did not move
    glue.run("bookmarked_ingest", args, bookmark="job-bookmark-disable")
    assert count(out) == 9  # disabled: everything again


def test_failed_run_commits_no_bookmark(glue: GlueHarness) -> None:
    glue.put(f"{RAW}/fails/a.json", _jsonl([{"page": "a", "n": 1}]))
    glue.put(f"{OUT}/blocker", "a file where the job wants a folder")
    args = {"--input_path": f"{RAW}/fails/", "--output_path": f"{OUT}/blocker/out/"}
    with pytest.raises(Exception, match="blocker"):
        glue.run("bookmarked_ingest", args, bookmark="job-bookmark-enable")
    assert "bookmarked_ingest" not in glue.bookmarks or not any(
        "fails" in f for f in glue.bookmark_files("bookmarked_ingest")
    )
    glue.run("bookmarked_ingest", {**args, "--output_path": f"{OUT}/fails_out/"}, bookmark="job-bookmark-enable")
    assert any(f.endswith("fails/a.json") for f in glue.bookmark_files("bookmarked_ingest"))
    assert duckdb.sql(f"SELECT page FROM '{glue.path(f'{OUT}/fails_out')}/*.parquet'").fetchall() == [("a",)]
