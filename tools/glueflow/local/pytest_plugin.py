"""pytest fixtures for unit-testing Glue job code on small DataFrames, as `glue_pytest` does in aws-glue-libs.

Load it with `-p glueflow.local.pytest_plugin` (pytest's addopts) or `pytest_plugins = ["glueflow.local.pytest_plugin"]`
in a root conftest.py. Then:

    def test_keeps_valid_orders(glue_context):
        frame = DynamicFrame.fromDF(glue_context.spark_session.createDataFrame(rows, schema), glue_context, "in")
        assert clean_orders(frame).count() == 2

Fixtures (one Spark session per test session; Spark starts only when a test asks for it):
- `glue_context`: an `awsglue.context.GlueContext` (glueflow's local layer) over the shared session;
- `glue_spark`: that SparkSession;
- `glue_s3`: a factory `glue_s3("bucket") -> Path` making a bucket folder that `s3://bucket/...` paths in Spark
  read and write (the same Hadoop mount as job runs, under a temporary state directory).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def glue_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary state directory of the test session (buckets under `s3/`)."""
    state = tmp_path_factory.mktemp("glueflow-state")
    (state / "s3").mkdir()
    return state


@pytest.fixture(scope="session")
def glue_spark(glue_state_dir: Path) -> Iterator[Any]:
    """A local SparkSession configured as the job launcher configures one, with s3:// mounted."""
    from glueflow.local import hadoop_fs
    from glueflow.local.launcher import build_session
    from glueflow.local.s3_mount import mount_buckets

    for key, value in hadoop_fs.environment().items():
        os.environ.setdefault(key, value)  # build_session reads it, as in a job process
    work = Path(tempfile.mkdtemp(prefix="spark-", dir=glue_state_dir))
    spark = build_session("glueflow-pytest", work)
    mount_buckets(spark, glue_state_dir / "s3")
    yield spark
    spark.stop()


@pytest.fixture(scope="session")
def glue_context(glue_spark: Any) -> Any:
    """glueflow's `awsglue.context.GlueContext` over `glue_spark` (`import awsglue` works in tests too)."""
    from glueflow.local import glue_layer

    glue_layer.install()
    from awsglue.context import GlueContext  # type: ignore[import-not-found]

    return GlueContext(glue_spark.sparkContext)


@pytest.fixture
def glue_s3(glue_spark: Any, glue_state_dir: Path) -> Callable[[str], Path]:
    """`glue_s3("bucket")`: a bucket folder (created if needed) that Spark reaches as `s3://bucket/`."""
    from glueflow.local.s3_mount import mount_buckets

    def bucket(name: str) -> Path:
        folder = glue_state_dir / "s3" / name
        folder.mkdir(parents=True, exist_ok=True)
        mount_buckets(glue_spark, glue_state_dir / "s3")  # mount tables are per bucket: add the new one
        return folder

    return bucket
