"""awsglue.utils.getResolvedOptions parses job arguments the way Glue documents it (no Spark needed)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def utils() -> Iterator[Any]:
    from glueflow.local import glue_layer

    sys.path.insert(0, str(glue_layer.LAYER_DIR))
    from awsglue import utils as module

    yield module
    sys.path.remove(str(glue_layer.LAYER_DIR))
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        del sys.modules[name]


ARGV = ["script.py", "--JOB_NAME", "etl", "--JOB_RUN_ID", "jr_1", "--WORKFLOW_NAME", "wf", "--WORKFLOW_RUN_ID",
        "wr_1", "--DATABASE_NAME=sales", "--enable-metrics", "", "--extra", "ignored"]  # fmt: skip


def test_space_and_equals_forms_and_platform_arguments(utils: Any) -> None:
    args = utils.getResolvedOptions(ARGV, ["JOB_NAME", "DATABASE_NAME", "WORKFLOW_NAME", "WORKFLOW_RUN_ID"])
    assert args["JOB_NAME"] == "etl"
    assert args["DATABASE_NAME"] == "sales"
    assert (args["WORKFLOW_NAME"], args["WORKFLOW_RUN_ID"]) == ("wf", "wr_1")
    assert args["JOB_RUN_ID"] == "jr_1"  # Glue's own options are always resolved
    assert args["job_bookmark_option"] == "job-bookmark-disable"
    assert args["TempDir"] is None and "extra" not in args


def test_missing_option_raises_glue_argument_error(utils: Any) -> None:
    with pytest.raises(utils.GlueArgumentError, match="the following arguments are required: --OUTPUT_BUCKET"):
        utils.getResolvedOptions(ARGV, ["JOB_NAME", "OUTPUT_BUCKET"])


def test_bookmark_option_temp_dir_and_reserved_names(utils: Any) -> None:
    argv = ["s.py", "--JOB_NAME", "j", "--job-bookmark-option", "job-bookmark-enable", "--TempDir", "s3://t/tmp/"]
    args = utils.getResolvedOptions(argv, ["JOB_NAME"])
    assert args["job_bookmark_option"] == "job-bookmark-enable"
    assert args["RedshiftTempDir"] == "s3://t/tmp/"
    with pytest.raises(utils.GlueArgumentError, match="invalid choice"):
        utils.getResolvedOptions(["s.py", "--job-bookmark-option", "sometimes"], [])
    with pytest.raises(RuntimeError, match="reserved arguments job-bookmark-option"):
        utils.getResolvedOptions(argv, ["job-bookmark-option"])
    legacy = utils.getResolvedOptions(["s.py", "--continuation-option", "continuation-readonly"], [])
    assert legacy["job_bookmark_option"] == "job-bookmark-pause"
