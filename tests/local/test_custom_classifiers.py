"""Custom classifiers in the local crawler: tried in the crawler's order before Glue's built-in ones.

Recipe 002's customer CSV is all text, so Glue's built-in CSV classifier sees no header and names its columns
col0..col4; a custom CSV classifier with `contains_header: PRESENT` is how AWS users fix that."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from glueflow.local.crawler import CrawlTarget, crawl

from .helpers import REPO_ROOT, LocalProject

CUSTOMERS = REPO_ROOT / "pipelines" / "sample_data" / "sales_analytics" / "customer_data.csv"
RECIPE_COLUMNS = ["customer_id", "name", "email", "registration_date", "status"]
PRESENT = {"CsvClassifier": {"Name": "with-header", "Delimiter": ",", "QuoteSymbol": '"', "ContainsHeader": "PRESENT"}}


def crawled_columns(folder: Path, classifiers: list[dict]) -> dict[str, list[tuple[str, str]]]:
    result = crawl(
        [CrawlTarget(folder, f"s3://lake/{folder.name}/", classifiers=classifiers)],
        database="lake",
        table_prefix="",
        existing={},
        update_behavior="UPDATE_IN_DATABASE",
        delete_behavior="LOG",
    )
    return {
        t["Name"]: [(c["Name"], c["Type"]) for c in t["StorageDescriptor"]["Columns"]] for t in result.tables_to_create
    }


def test_first_matching_custom_classifier_wins_and_others_fall_back(tmp_path: Path) -> None:
    folder = tmp_path / "customers"
    folder.mkdir()
    shutil.copy(CUSTOMERS, folder / "customer_data.csv")
    assert crawled_columns(folder, [])["customers"] == [(f"col{i}", "string") for i in range(5)]
    pipes = {"CsvClassifier": {"Name": "pipes", "Delimiter": "|", "ContainsHeader": "PRESENT"}}
    absent = {"CsvClassifier": {"Name": "absent", "Delimiter": ",", "ContainsHeader": "ABSENT", "Header": ["a", "b"]}}
    # '|' splits nothing, so the next one in order decides; a later match is never consulted.
    assert crawled_columns(folder, [pipes, PRESENT, absent])["customers"] == [(n, "string") for n in RECIPE_COLUMNS]
    # ABSENT: the header line is data; Header names the first columns, col<N> the rest.
    assert crawled_columns(folder, [absent])["customers"] == [
        ("a", "string"),
        ("b", "string"),
        ("col2", "string"),
        ("col3", "string"),
        ("col4", "string"),
    ]


def test_semicolon_csv_with_quote_symbol_and_untrimmed_values(tmp_path: Path) -> None:
    folder = tmp_path / "orders"
    folder.mkdir()
    (folder / "o.txt").write_text("id;note;amount\n1;'a;b'; 7\n2;'c';8\n")
    spec = {"Name": "semi", "Delimiter": ";", "QuoteSymbol": "'", "ContainsHeader": "UNKNOWN"}
    result = crawl(
        [CrawlTarget(folder, "s3://lake/orders/", classifiers=[{"CsvClassifier": spec}])],
        database="lake",
        table_prefix="",
        existing={},
        update_behavior="UPDATE_IN_DATABASE",
        delete_behavior="LOG",
    )
    (table,) = result.tables_to_create
    descriptor = table["StorageDescriptor"]
    assert [(c["Name"], c["Type"]) for c in descriptor["Columns"]] == [
        ("id", "bigint"),
        ("note", "string"),
        ("amount", "bigint"),
    ]
    assert descriptor["SerdeInfo"]["Parameters"] == {"separatorChar": ";", "quoteChar": "'"}
    assert table["Parameters"]["skip.header.line.count"] == "1"
    untrimmed = {"CsvClassifier": {**spec, "DisableValueTrimming": True}}
    columns = crawled_columns(folder, [untrimmed])["orders"]
    assert columns[2] == ("amount", "string")  # " 7" is not a number when values are not trimmed


def test_json_path_selects_the_records(tmp_path: Path) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    document = {"source": "app", "records": [{"id": 1, "kind": "click"}, {"id": 2, "kind": "view", "ms": 1.5}]}
    (folder / "batch.json").write_text(json.dumps(document))
    assert crawled_columns(folder, [])["events"] == [
        ("source", "string"),
        ("records", "array<struct<id:int,kind:string,ms:double>>"),
    ]
    records = {"JsonClassifier": {"Name": "records", "JsonPath": "$.records[*]"}}
    assert crawled_columns(folder, [records])["events"] == [("id", "int"), ("kind", "string"), ("ms", "double")]
    nothing = {"JsonClassifier": {"Name": "nothing", "JsonPath": "$.rows[*]"}}
    assert crawled_columns(folder, [nothing])["events"][0] == ("source", "string")  # no match: built-in


def test_the_spec_key_reaches_the_crawler_and_get_crawler(local_project: LocalProject) -> None:
    p = local_project
    p.write_pipeline(
        "classify",
        classifiers={"with_header": {"csv": {"contains_header": "PRESENT"}}},
        crawlers={
            "builtin": {"targets": [{"bucket": "raw", "prefix": "customers/builtin/"}]},
            "custom": {"classifiers": ["with_header"], "targets": [{"bucket": "raw", "prefix": "customers/custom/"}]},
        },
        jobs={},
        triggers={"go": {"type": "on_demand", "start": [{"crawler": "builtin"}, {"crawler": "custom"}]}},
    )
    runtime = p.runtime("classify")
    raw = p.state_dir / "s3" / "glueflow-local-raw-000000000000"
    for folder in ("builtin", "custom"):
        (raw / "customers" / folder).mkdir(parents=True)
        shutil.copy(CUSTOMERS, raw / "customers" / folder / "customer_data.csv")
    names = {"builtin": p.physical("classify", "builtin"), "custom": p.physical("classify", "custom")}
    crawler = runtime.call("GetCrawler", {"Name": names["custom"]})["Crawler"]
    assert crawler["Classifiers"] == ["glueflow-local-classify-with-header"]
    assert not any(key.startswith("_") for key in crawler)
    for name in names.values():
        runtime.call("StartCrawler", {"Name": name})
    deadline = time.monotonic() + 30
    while any(runtime.call("GetCrawler", {"Name": n})["Crawler"]["State"] != "READY" for n in names.values()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    tables = runtime.call("GetTables", {"DatabaseName": "glueflow_local_classify"})["TableList"]
    by_name = {t["Name"]: t for t in tables}
    columns = {k: [c["Name"] for c in t["StorageDescriptor"]["Columns"]] for k, t in by_name.items()}
    assert columns == {"builtin": [f"col{i}" for i in range(5)], "custom": RECIPE_COLUMNS}
    assert by_name["custom"]["Parameters"]["skip.header.line.count"] == "1"
    assert "skip.header.line.count" not in by_name["builtin"]["Parameters"]
