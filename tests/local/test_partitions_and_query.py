"""GetPartitions with Glue's `Expression` grammar, GetPartition / BatchGetPartition, and `glueflow query` over the
catalog: a crawler catalogs Hive-partitioned CSVs (order_date=…/region=…), boto3 reads the partitions through the
local endpoint, and DuckDB views over the catalog answer like DuckDB reading the same files directly."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest

from glueflow import query
from glueflow.errors import GlueflowError
from glueflow.local.endpoint import start_endpoint
from glueflow.local.runtime import LocalRuntime
from glueflow.local.s3 import LocalS3

from .helpers import ENV_YAML, LocalProject

P = "shop"
CRAWLER = "glueflow-local-shop-sales"
DATABASE = "glueflow_local_shop"
DAYS = ("2024-01-15", "2024-01-16", "2024-01-17")
REGIONS = ("eu", "us")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProject]:
    """One project for the module (the tests only read its catalog): a crawl per test would cost seconds each."""
    root = tmp_path_factory.mktemp("shop") / "project"
    (root / "pipelines").mkdir(parents=True)
    (root / "envs").mkdir()
    (root / "envs" / "local.yaml").write_text(ENV_YAML)
    (root / "glue_jobs").mkdir()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("GLUEFLOW_STATE_DIR", str(root / ".glueflow-state"))
        monkeypatch.delenv("GLUEFLOW_ROOT", raising=False)
        project = LocalProject(root, root / ".glueflow-state")
        yield project
        project.close()


@pytest.fixture(scope="module")
def catalog(project: LocalProject) -> Iterator[tuple[LocalRuntime, Any, Path]]:
    """A crawled table `sales` with 6 partitions (3 days × 2 regions), a boto3 client, and the sample folder."""
    p = project
    samples = p.root / "pipelines" / "sample_data"
    samples.mkdir(parents=True)
    files = []
    for day_number, day in enumerate(DAYS):
        for region_number, region in enumerate(REGIONS):
            name = f"{day}-{region}.csv"
            rows = [
                f"{day_number * 10 + region_number * 3 + i},{1.25 * (i + 1) + day_number},item{i}" for i in range(3)
            ]
            (samples / name).write_text("order_id,amount,item\n" + "\n".join(rows) + "\n")
            key = f"sales/order_date={day}/region={region}/part-0.csv"
            files.append({"bucket": "raw", "key": key, "file": f"sample_data/{name}"})
    p.write_pipeline(
        P,
        crawlers={"sales": {"targets": [{"bucket": "raw", "prefix": "sales/"}]}},
        sample_data=files,
        jobs={},
        triggers={"go": {"type": "on_demand", "start": [{"crawler": "sales"}]}},
    )
    runtime = p.runtime(P)
    runtime.call("StartCrawler", {"Name": CRAWLER})
    deadline = time.monotonic() + 30
    while runtime.call("GetCrawler", {"Name": CRAWLER})["Crawler"]["State"] != "READY":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    server = start_endpoint(runtime)
    glue = boto3.client(
        "glue", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    yield runtime, glue, p.state_dir
    server.shutdown()


def _values(glue: Any, expression: str) -> list[tuple[str, ...]]:
    partitions = glue.get_partitions(DatabaseName=DATABASE, TableName="sales", Expression=expression)["Partitions"]
    return sorted(tuple(p["Values"]) for p in partitions)


def test_get_partitions_returns_only_the_partitions_the_expression_matches(catalog: Any) -> None:
    _, glue, _ = catalog
    every = [(d, r) for d in DAYS for r in REGIONS]

    assert _values(glue, "order_date >= '2024-01-16'") == [v for v in every if v[0] >= "2024-01-16"]
    assert _values(glue, "order_date = '2024-01-15' AND region = 'us'") == [("2024-01-15", "us")]
    assert _values(glue, "region = 'eu' OR order_date = '2024-01-17'") == [
        v for v in every if v[1] == "eu" or v[0] == "2024-01-17"
    ]
    assert _values(glue, "NOT (region = 'eu')") == [v for v in every if v[1] != "eu"]
    assert _values(glue, "order_date IN ('2024-01-15', '2024-01-17') AND region <> 'eu'") == [
        ("2024-01-15", "us"),
        ("2024-01-17", "us"),
    ]
    assert _values(glue, "order_date BETWEEN '2024-01-16' AND '2024-01-17' AND region != 'us'") == [
        ("2024-01-16", "eu"),
        ("2024-01-17", "eu"),
    ]
    assert _values(glue, "order_date LIKE '%-1_' AND region NOT LIKE 'u%'") == [v for v in every if v[1] == "eu"]
    assert _values(
        glue, "order_date NOT IN ('2024-01-15') AND NOT order_date BETWEEN '2024-01-17' AND '2024-01-19'"
    ) == [
        ("2024-01-16", "eu"),
        ("2024-01-16", "us"),
    ]
    assert _values(glue, "ORDER_DATE < '2024-01-16' and `region` = 'eu'") == [("2024-01-15", "eu")]  # any case
    assert _values(glue, "region IS NULL") == [] and len(_values(glue, "region IS NOT NULL")) == 6


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("amount > 3", "'amount' is not a partition key"),
        ("order_date >= ", "expected a literal"),
        ("order_date = '2024-01-15' AND", "expected a partition key"),
        ("(region = 'eu'", "expected ')'"),
        ("region = upper('eu')", "found 'upper'"),
        ("region = order_date", "expected a literal"),
    ],
)
def test_an_expression_glue_would_refuse_is_invalid_input(catalog: Any, expression: str, complaint: str) -> None:
    _, glue, _ = catalog
    with pytest.raises(glue.exceptions.InvalidInputException) as caught:
        glue.get_partitions(DatabaseName=DATABASE, TableName="sales", Expression=expression)
    assert complaint in caught.value.response["Error"]["Message"]


def test_typed_partition_keys_compare_as_their_type() -> None:
    from glueflow.local.partition_filter import compile_expression

    keys = [{"Name": "year", "Type": "int"}, {"Name": "day", "Type": "date"}, {"Name": "price", "Type": "decimal(5,2)"}]
    values = [["9", "2024-01-05", "10.50"], ["10", "2024-02-01", "9.99"], ["2024", "2023-12-31", "100"]]

    def matching(expression: str) -> list[str]:
        matches = compile_expression(expression, keys)
        return [v[0] for v in values if matches(v)]

    assert matching("year > 9") == ["10", "2024"]  # numerically: as text, '10' < '9'
    assert matching("day >= '2024-01-05'") == ["9", "10"]
    assert matching("price BETWEEN 9.99 AND 10.5") == ["9", "10"]
    assert matching("2000 < year") == ["2024"]


def test_get_partition_and_batch_get_partition_find_partitions_by_values(catalog: Any) -> None:
    _, glue, _ = catalog
    partition = glue.get_partition(DatabaseName=DATABASE, TableName="sales", PartitionValues=["2024-01-16", "eu"])
    assert partition["Partition"]["StorageDescriptor"]["Location"].endswith("/sales/order_date=2024-01-16/region=eu/")

    batch = glue.batch_get_partition(
        DatabaseName=DATABASE,
        TableName="sales",
        PartitionsToGet=[{"Values": ["2024-01-17", "us"]}, {"Values": ["1999-01-01", "eu"]}],
    )
    assert [p["Values"] for p in batch["Partitions"]] == [["2024-01-17", "us"]]
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_partition(DatabaseName=DATABASE, TableName="sales", PartitionValues=["1999-01-01", "eu"])


# --- glueflow query ---------------------------------------------------------------------------------------------


def _connection(glue: Any, state_dir: Path) -> Any:
    return query.local_connection(query.catalog_tables(glue), LocalS3(state_dir))


def test_a_query_over_the_catalog_equals_duckdb_on_the_files(catalog: Any) -> None:
    _, glue, state_dir = catalog
    sql = f"SELECT order_date, region, SUM(amount) AS revenue, COUNT(*) AS n FROM {DATABASE}.sales GROUP BY ALL ORDER BY ALL"

    result = query.run_local(_connection(glue, state_dir), sql)

    files = str(state_dir / "s3" / "glueflow-local-raw-000000000000" / "sales" / "**" / "*.csv")
    expected = (
        duckdb.connect()
        .sql(
            f"SELECT order_date, region, SUM(amount), COUNT(*) FROM read_csv('{files}', hive_partitioning = true, "
            "hive_types_autocast = false) GROUP BY ALL ORDER BY ALL"
        )
        .fetchall()
    )
    assert result.columns == ["order_date", "region", "revenue", "n"]
    assert result.rows == expected and len(result.rows) == 6
    assert result.types[2] == "DOUBLE"  # the crawler's column type, not a guess


def test_a_partition_filter_prunes_to_the_catalog_partitions(catalog: Any) -> None:
    _, glue, state_dir = catalog
    # A folder the catalog has no partition for is not part of the table (as in Athena) until a crawl adds it.
    stray = state_dir / "s3" / "glueflow-local-raw-000000000000" / "sales" / "order_date=2024-01-18" / "region=eu"
    stray.mkdir(parents=True)
    (stray / "part-0.csv").write_text("order_id,amount,item\n99,1000.0,x\n")
    try:
        result = query.run_local(_connection(glue, state_dir), f"SELECT MAX(amount) FROM {DATABASE}.sales")
    finally:
        shutil.rmtree(stray.parent)

    assert result.rows == [(1.25 * 3 + 2,)]


def test_a_link_in_a_bucket_folder_is_not_read(catalog: Any, tmp_path: Path) -> None:
    _, glue, state_dir = catalog
    outside = tmp_path / "secret.csv"
    outside.write_text("order_id,amount,item\n7,1000000.0,secret\n")
    partition = state_dir / "s3" / "glueflow-local-raw-000000000000" / "sales" / "order_date=2024-01-15" / "region=eu"
    link = partition / "part-9.csv"
    link.symlink_to(outside)
    try:
        result = query.run_local(_connection(glue, state_dir), f"SELECT MAX(amount), COUNT(*) FROM {DATABASE}.sales")
    finally:
        link.unlink()

    assert result.rows == [(1.25 * 3 + 2, 18)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('{project}/envs/local.yaml')",
        "SELECT * FROM glob('{project}/*')",
        "COPY (SELECT 1) TO '{project}/leak.csv'",
        "ATTACH '{project}/x.duckdb'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SELECT 1; SELECT 2",
    ],
)
def test_the_sql_cannot_reach_files_outside_the_buckets_nor_write(catalog: Any, sql: str) -> None:
    _, glue, state_dir = catalog
    connection = _connection(glue, state_dir)
    project = state_dir.parent

    with pytest.raises(GlueflowError):
        query.run_local(connection, sql.format(project=project))
    assert not (project / "leak.csv").exists() and not (project / "x.duckdb").exists()


def test_out_files_stay_in_the_project_or_a_folder_the_user_owns(tmp_path: Path) -> None:
    root, state = tmp_path / "project", tmp_path / "project" / ".glueflow" / "local"
    state.mkdir(parents=True)
    assert query.confined_output(root / "result.csv", root=root, state_dir=state) == root.resolve() / "result.csv"
    with pytest.raises(GlueflowError, match="inside the runtime's state"):
        query.confined_output(state / "s3" / ".." / "x.csv", root=root, state_dir=state)
    (root / "link.csv").symlink_to("/etc/passwd")
    with pytest.raises(GlueflowError, match="symbolic link"):
        query.confined_output(root / "link.csv", root=root, state_dir=state)
    with pytest.raises(GlueflowError, match="does not exist"):
        query.confined_output(root / "missing" / "x.csv", root=root, state_dir=state)
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    if os.getuid() == 0:  # as root, make the folder someone else's; otherwise / already is
        os.chown(theirs, 65534, 65534)
    else:
        theirs = Path("/")
    with pytest.raises(GlueflowError, match="not in a folder you own"):
        query.confined_output(theirs / "x.csv", root=root, state_dir=state)
    mine = tmp_path / "mine"
    mine.mkdir()
    assert query.confined_output(mine / "x.csv", root=root, state_dir=state) == mine.resolve() / "x.csv"


def test_results_are_written_as_csv_json_and_parquet(catalog: Any, tmp_path: Path) -> None:
    _, glue, state_dir = catalog
    result = query.run_local(
        _connection(glue, state_dir),
        f"SELECT order_date, CAST(SUM(amount) AS DECIMAL(10, 2)) AS revenue FROM {DATABASE}.sales GROUP BY 1 ORDER BY 1",
    )

    assert query.to_csv(result).splitlines()[:2] == ["order_date,revenue", "2024-01-15,15.00"]
    assert query.to_json(result).count('"order_date"') == 3
    query.write_parquet(result, tmp_path / "out.parquet")
    back = duckdb.connect().sql(f"SELECT * FROM '{tmp_path / 'out.parquet'}' ORDER BY 1").fetchall()
    assert back == result.rows
