"""Spec rules found missing by the IaC mutation run: raw bookmark overrides, and `all` over exclusive branches."""

from __future__ import annotations

from pathlib import Path

import pytest

from glueflow.errors import SpecError
from glueflow.spec import load_deployment


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new))


def _problems(root: Path, env: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_deployment(env, root=root)
    return [f"{p.file}:{p.line} {p.key_path}: {p.message}" for p in caught.value.problems]


def test_a_raw_bookmark_argument_in_a_prod_override_is_an_error_at_its_line(project: Path) -> None:
    _edit(
        project / "envs" / "prod.yaml",
        "        worker_type: G.2X\n",
        "        worker_type: G.2X\n        arguments:\n          --job-bookmark-option: job-bookmark-disable\n",
    )
    (problem,) = _problems(project, "prod")
    line = (
        project.joinpath("envs/prod.yaml")
        .read_text()
        .splitlines()
        .index("          --job-bookmark-option: job-bookmark-disable")
    )
    assert problem.startswith(f"envs/prod.yaml:{line + 1} overrides.customer_purchases.jobs.map_purchases.arguments")
    assert "a raw --job-bookmark-option argument overrides the job's bookmark setting" in problem


def test_the_explicit_bookmarks_key_in_an_env_override_changes_the_rendered_argument(project: Path) -> None:
    _edit(
        project / "envs" / "prod.yaml",
        "        worker_type: G.2X\n",
        "        worker_type: G.2X\n        bookmarks: pause\n",
    )
    job = load_deployment("prod", root=project).tfvars.pipelines["customer_purchases"].jobs["map_purchases"]
    assert job.default_arguments["--job-bookmark-option"] == "job-bookmark-pause"
    dev = load_deployment("dev", root=project).tfvars.pipelines["customer_purchases"].jobs["map_purchases"]
    assert dev.default_arguments["--job-bookmark-option"] != "job-bookmark-pause"


def test_all_over_mutually_exclusive_branches_names_the_node_and_both_triggers(project: Path) -> None:
    pipeline = project / "pipelines" / "retail_nightly.yaml"
    _edit(
        pipeline,
        "    description: Refresh the dashboard after either branch (ANY).\n    when:\n      any:",
        "    description: Refresh the dashboard after either branch (ANY).\n    when:\n      all:",
    )
    (problem,) = _problems(project, "dev")
    assert "triggers.either_branch_done.when.all[1]: can never be met" in problem
    assert (
        "job 'clean_sales' to end SUCCEEDED (trigger 'cleaned') and FAILED/TIMEOUT (trigger 'cleaning_failed')"
        in problem
    )


def test_the_same_node_in_two_states_under_all_is_impossible_and_any_is_fine(project: Path) -> None:
    pipeline = project / "pipelines" / "retail_nightly.yaml"
    _edit(
        pipeline,
        "      all:\n        - job: clean_sales\n          state: SUCCEEDED\n    start:\n      - job: aggregate_sales",
        "      all:\n        - job: clean_sales\n          state: SUCCEEDED\n        - job: clean_sales\n"
        "          state: FAILED\n    start:\n      - job: aggregate_sales",
    )
    problems = _problems(project, "dev")
    assert any("triggers.cleaned.when.all[1]: can never be met" in p for p in problems)
