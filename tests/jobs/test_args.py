"""glueflow_lib.args: the getResolvedOptions contract without awsglue."""

from __future__ import annotations

import pytest

from glueflow_lib.args import MissingArgumentError, all_options, optional_option, resolved_options

ARGV = ["job.py", "--JOB_NAME", "j", "--DATABASE_NAME=db", "--enable-metrics", "--TempDir", "/t", "--JOB_NAME", "k"]


def test_later_occurrence_wins_and_equals_form_parses() -> None:
    assert resolved_options(ARGV, ["JOB_NAME", "DATABASE_NAME"]) == {"JOB_NAME": "k", "DATABASE_NAME": "db"}


def test_flag_without_value_maps_to_empty_string() -> None:
    assert all_options(ARGV)["enable-metrics"] == ""
    assert optional_option(ARGV, "missing", "x") == "x"


def test_missing_required_arguments_are_all_named() -> None:
    with pytest.raises(MissingArgumentError, match="--OUTPUT_PATH, --QUARANTINE_PATH"):
        resolved_options(ARGV, ["JOB_NAME", "OUTPUT_PATH", "QUARANTINE_PATH"])
