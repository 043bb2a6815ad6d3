"""Fixtures for the offline IaC checks: a tmp copy of a clean HCL tree with named broken cases applied to it.

A broken case is the clean fixture with one deliberate mistake, written down as the exact text edits that make it
(BROKEN_CASES), so the mistake is visible next to its name and the clean fixture exists once. The few cases that add
a whole new file (a resource the clean tree does not have) keep that file under fixtures/broken/<case>/.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = FIXTURES / "clean"
TFTEST = FIXTURES / "tftest"
ADDED_FILES = FIXTURES / "broken"

MAIN = "modules/glue_job/main.tf"
VARIABLES = "modules/glue_job/variables.tf"
OUTPUTS = "modules/glue_job/outputs.tf"
VERSIONS = "modules/glue_job/versions.tf"
NAMING_TEST = "modules/naming/tests/naming.tftest.hcl"


class Edit(NamedTuple):
    """Replace `old`, which must occur exactly once, with `new` in `file` (relative to the fixture root)."""

    file: str
    old: str
    new: str


BROKEN_CASES: dict[str, tuple[Edit, ...]] = {
    # schema check (modules/glue_job/main.tf)
    "syntax_error": (Edit(MAIN, "  retention_in_days = 365\n", "  retention_in_days =\n"),),
    "misspelled_argument": (Edit(MAIN, "  timeout                = each", "  timout                 = each"),),
    "missing_required": (Edit(MAIN, "  role_arn               = var.role_arn\n", ""),),
    "argument_as_block": (Edit(MAIN, "  execution_property {", "  execution_property = {"),),
    "unknown_type": (Edit(MAIN, 'resource "aws_glue_trigger" "after"', 'resource "aws_glue_triggers" "after"'),),
    "missing_required_block": (
        Edit(MAIN, "\n  actions {\n    job_name = aws_glue_job.this[each.key].name\n  }\n", ""),
    ),
    "bad_reference": (
        Edit(MAIN, "job_name = aws_glue_job.this[each.key].name", "job_name = aws_glue_job.this[each.key].job_name"),
    ),
    # `conditions` moved out of `predicate` to the resource body
    "wrong_depth": (
        Edit(
            MAIN,
            '    logical = "ANY"\n    conditions {\n      crawler_name = var.crawler_name\n'
            '      crawl_state  = "SUCCEEDED"\n    }\n  }\n',
            '    logical = "ANY"\n  }\n\n  conditions {\n    crawler_name = var.crawler_name\n'
            '    crawl_state  = "SUCCEEDED"\n  }\n',
        ),
    ),
    # terraform fmt: `=` no longer aligned with the description above it
    "unformatted": (Edit(OUTPUTS, "  value       = {", "  value = {"),),
    # conventions: role_arn untyped, crawler_name undescribed, tags map(any), the output undescribed, versions.tf
    # without required_version and without a version for aws
    "conventions": (
        Edit(
            VARIABLES,
            '  description = "ARN of the IAM role the jobs run as."\n  type        = string\n',
            '  description = "ARN of the IAM role the jobs run as."\n',
        ),
        Edit(
            VARIABLES,
            '  description = "Crawler whose success starts the jobs."\n  type        = string\n',
            "  type = string\n",
        ),
        Edit(VARIABLES, "  type        = map(string)\n", "  type        = map(any)\n"),
        Edit(OUTPUTS, '  description = "Glue job names keyed by logical name."\n  value       = {', "  value = {"),
        Edit(VERSIONS, '  required_version = ">= 1.10"\n\n', ""),
        Edit(
            VERSIONS, '      source  = "hashicorp/aws"\n      version = ">= 6.0"\n', '      source = "hashicorp/aws"\n'
        ),
    ),
    # terraform test (the tftest fixture): the expected name keeps the underscore the module replaces
    "tftest_failing": (Edit(NAMING_TEST, '"glueflow-dev-customer-purchases"', '"glueflow-dev-customer_purchases"'),),
}


def build_tree(base: Path, root: Path, cases: tuple[str, ...]) -> Path:
    """Copy `base` to `root`, then apply each case in order: its edits, or its added files (fixtures/broken/<case>/).

    Each case edits the base text of a file, and a later case's version of a file replaces an earlier one's, as when
    each case was a directory of whole files copied over the base."""
    shutil.copytree(base, root)
    for case in cases:
        if case not in BROKEN_CASES:
            if not (ADDED_FILES / case).is_dir():
                raise KeyError(f"no broken case {case!r} in BROKEN_CASES or {ADDED_FILES}")
            shutil.copytree(ADDED_FILES / case, root, dirs_exist_ok=True)
            continue
        edited: dict[str, str] = {}
        for edit in BROKEN_CASES[case]:
            text = edited.get(edit.file, (base / edit.file).read_text())
            count = text.count(edit.old)
            if count != 1:
                raise ValueError(f"case {case!r}: {edit.old!r} occurs {count} times in {edit.file}, not once")
            edited[edit.file] = text.replace(edit.old, edit.new)
        for file, text in edited.items():
            (root / file).write_text(text)
    return root


@pytest.fixture
def hcl_tree(tmp_path: Path) -> Callable[..., Path]:
    """hcl_tree("misspelled_argument", ...) -> a tmp root with terraform/ and modules/: the clean fixture with each
    named broken case applied."""
    return lambda *cases: build_tree(CLEAN, tmp_path / "repo", cases)


@pytest.fixture
def tftest_tree(tmp_path: Path) -> Callable[..., Path]:
    """tftest_tree("tftest_failing") -> a tmp root with the provider-free modules/naming, broken cases applied."""
    return lambda *cases: build_tree(TFTEST, tmp_path / "repo", cases)
