"""The `glue_context` pytest fixture (glueflow.local.pytest_plugin): job functions tested on small DataFrames
with glueflow's awsglue layer, and s3:// paths on temporary bucket folders, as glue_pytest does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.spark


def typed_purchases(glue_context: Any, frame: Any) -> Any:
    """A job function as users write them: DynamicFrame in, DynamicFrame out."""
    from awsglue.transforms import ApplyMapping

    return ApplyMapping.apply(
        frame=frame,
        mappings=[("customer_id", "string", "customer_id", "int"), ("amount", "string", "amount", "double")],
    )


def test_a_job_function_on_a_small_dynamic_frame(glue_context: Any, glue_s3: Callable[[str], Path]) -> None:
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame

    assert isinstance(glue_context, GlueContext)
    spark = glue_context.spark_session
    rows = spark.createDataFrame([("1", "150.00", "x"), ("2", "75.5", "y")], ["customer_id", "amount", "dropped"])
    result = typed_purchases(glue_context, DynamicFrame.fromDF(rows, glue_context, "purchases")).toDF()
    assert [(f.name, f.dataType.simpleString()) for f in result.schema.fields] == [
        ("customer_id", "int"),
        ("amount", "double"),
    ]
    assert sorted(tuple(r) for r in result.collect()) == [(1, 150.0), (2, 75.5)]
    bucket = glue_s3("unit-test-bucket")
    result.write.mode("overwrite").parquet("s3://unit-test-bucket/typed/")
    assert list((bucket / "typed").glob("part-*.parquet"))
    assert spark.read.parquet("s3://unit-test-bucket/typed/").count() == 2
