"""covid_hiring's jobs: staging copies the landing files under stable names, the join equals the DuckDB golden,
and the load replaces the rows of a table in a real local PostgreSQL server."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from pipelines.conftest import SAMPLES, assert_matches_golden, read_golden

SAMPLE = SAMPLES / "covid_hiring"
DATABASE = "covid_db"


def test_generator_reproduces_the_committed_sample_data(tmp_path: Path) -> None:
    copy = tmp_path / "generate.py"
    shutil.copy(SAMPLE / "generate.py", copy)
    subprocess.run([sys.executable, str(copy)], check=True)
    for name in ("us_covid_cases_by_state.csv", "hiring_rate_by_industry.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_stage_files_copies_landing_files_to_meaningful_keys(bucket: Path, local_job: Any) -> None:
    landing, raw = bucket / "landing", bucket / "raw"
    landing.mkdir()
    shutil.copy(SAMPLE / "us_covid_cases_by_state.csv", landing / "us_states.csv")
    job = local_job("covid_hiring", "stage_files")
    arguments = {"LANDING_PATH": f"{landing}/", "RAW_PATH": f"{raw}/"}

    with pytest.raises(FileNotFoundError, match=r"linkedin_hiring_rate_industry\.csv is missing"):
        job.run(arguments)

    shutil.copy(SAMPLE / "hiring_rate_by_industry.csv", landing / "linkedin_hiring_rate_industry.csv")
    job.run(arguments)
    assert (raw / "covid_cases" / "covid_cases.csv").read_bytes() == (landing / "us_states.csv").read_bytes()
    assert (raw / "hiring_index" / "hiring_index.csv").is_file()


@pytest.mark.spark
def test_join_matches_golden_and_load_replaces_the_warehouse_table(
    spark: Any, bucket: Path, local_job: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobs.conftest import register_csv_table

    from glueflow_lib.warehouse import local_postgres

    for table, source, columns in (
        ("covid_cases", "us_covid_cases_by_state.csv", "date string, state string, cases bigint, deaths bigint"),
        ("hiring_index", "hiring_rate_by_industry.csv", "date string, industry string, hiring_rate double"),
    ):
        folder = bucket / "raw" / table
        folder.mkdir(parents=True)
        shutil.copy(SAMPLE / source, folder / source)
        register_csv_table(spark, DATABASE, table, folder, columns)
    output = bucket / "processed" / "covid_hiring"
    local_job("covid_hiring", "join_datasets").run(
        {"DATABASE_NAME": DATABASE, "OUTPUT_PATH": f"{output}/", "QUARANTINE_PATH": f"{bucket}/quarantine/"}
    )
    joined = spark.read.parquet(str(output))
    assert_matches_golden(joined, "covid_hiring", "covid_hiring", keys=["date"], money=("avg_hiring_rate",))

    spark.sql(f"CREATE TABLE `{DATABASE}`.`covid_hiring` USING parquet LOCATION '{output}'")
    # Outside pytest's 0700 tmp tree: as root, pgserver runs PostgreSQL as its own unprivileged user.
    warehouse = Path(tempfile.mkdtemp(prefix="glueflow-warehouse-")) / "warehouse"
    monkeypatch.setenv("GLUEFLOW_WAREHOUSE_DIR", str(warehouse))
    load = local_job("covid_hiring", "load_warehouse")
    arguments = {
        "DATABASE_NAME": DATABASE,
        "WAREHOUSE_TABLE": "public.covid_hiring",
        "WAREHOUSE_DATABASE": "covid_hiring",
        "WAREHOUSE_CONNECTION": "unused-locally",
        "WAREHOUSE_TMP_DIR": "unused-locally",
    }
    load.run(arguments)
    load.run(arguments)  # a rerun replaces the rows instead of appending

    import psycopg

    golden = read_golden("covid_hiring", "covid_hiring")
    with local_postgres(warehouse) as uri, psycopg.connect(uri) as conn:
        count, first, total = conn.execute(
            "SELECT count(*), min(date)::text, sum(new_cases) FROM public.covid_hiring"
        ).fetchone()
    assert (count, first) == (len(golden), golden[0]["date"])
    assert total == sum(int(r["new_cases"]) for r in golden)
    shutil.rmtree(warehouse.parent, ignore_errors=True)
