"""Realistic mistakes, each applied to a copy of the repo: the check that must catch it does, at file:line.

`make test` runs a representative subset (every spec and env mistake, the HCL mistakes the issue listed as missed,
and the glue_workflow change the plan-vs-runtime comparison must catch) on one shared copy and one offline
Terraform session. The whole catalogue runs with GLUEFLOW_MUTATIONS=all (`make test-mutations`); `make
validate-bench` prints its catch rate by kind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from glueflow.iac.mutations import MUTATIONS, Mutation, MutationRunner, mutation_runner

REPO = Path(__file__).resolve().parents[2]
IN_MAKE_TEST = {
    "string_for_number",
    "undeclared_variable",
    "for_each_over_list",
    "unknown_module_argument",
    "wrong_enum_literal",
    "typo_in_for_expression",
    "validation_that_never_passes",
    "tfvars_attribute_renamed",
    "predicate_condition_dropped",
    "iam_effect_typo",
    "not_formatted",
}
ALL = os.environ.get("GLUEFLOW_MUTATIONS") == "all"
SELECTED = [m for m in MUTATIONS if ALL or m.name in IN_MAKE_TEST or m.kind in ("spec", "env")]


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MutationRunner]:
    with mutation_runner(REPO, tmp_path_factory.mktemp("mutations")) as shared:
        yield shared


def test_the_catalogue_has_at_least_40_mistakes_of_every_kind() -> None:
    assert len(MUTATIONS) >= 40
    assert {m.kind for m in MUTATIONS} == {"hcl", "policy", "spec", "env"}
    assert len({m.name for m in MUTATIONS}) == len(MUTATIONS)


def test_the_unmutated_copy_has_no_findings(runner: MutationRunner) -> None:
    assert [f.render() for f in runner.baseline()] == []


@pytest.mark.parametrize("mutation", SELECTED, ids=lambda m: m.name)
def test_the_mistake_is_caught_by_its_check_at_file_and_line(runner: MutationRunner, mutation: Mutation) -> None:
    outcome = runner.run(mutation)
    seen = "\n".join(f"{f.check}: {f.render()}" for f in outcome.findings) or "no findings"
    assert outcome.caught, (
        f"{mutation.name} not caught by {sorted(mutation.caught_by)} in {mutation.reported_in or mutation.file}:\n{seen}"
    )


def test_dropping_a_predicate_condition_in_glue_workflow_is_a_plan_vs_runtime_error(runner: MutationRunner) -> None:
    (mutation,) = [m for m in MUTATIONS if m.name == "predicate_condition_dropped"]
    outcome = runner.run(mutation)
    (first, *_) = outcome.catching()
    assert first.file == "modules/glue_workflow/main.tf"
    lines = (REPO / "modules/glue_workflow/main.tf").read_text().splitlines()
    assert first.line == lines.index('resource "aws_glue_trigger" "this" {') + 1
    assert '.aws_glue_trigger.this["' in first.subject and "(dev)" in first.subject
    assert first.message.startswith("predicate.conditions: the plan has ")
    assert '"state": null' in first.message and "the local runtime runs" in first.message
