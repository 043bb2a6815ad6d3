"""Glue's billing arithmetic (aws.amazon.com/glue/pricing): DPU per worker type, per-second billing over the
1-minute (Glue 2.0+, Python shell) or 10-minute (Glue 0.9/1.0 Spark, crawlers) minimum, at the env's DPU-hour rate."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from glue_shapes import ALL_SUCCEEDED, JOB_FAILED_TWICE, at
from rich.console import Console

from glueflow.cost import Pricing, crawl_cost, dpu_seconds, job_run_cost, workflow_run_cost
from glueflow.errors import SpecError
from glueflow.follow import print_summary, run_status
from glueflow.spec import load_deployment


def _run(seconds: int, **capacity: Any) -> dict[str, Any]:
    return {"ExecutionTime": seconds, "GlueVersion": "5.0", **capacity}


@pytest.mark.parametrize(
    ("worker_type", "dpu_per_worker"), [("G.025X", 0.25), ("G.1X", 1), ("G.2X", 2), ("G.4X", 4), ("G.8X", 8)]
)
def test_dpu_seconds_are_execution_time_times_workers_times_the_worker_type_s_dpu(
    worker_type: str, dpu_per_worker: float
) -> None:
    assert dpu_seconds(_run(300, WorkerType=worker_type, NumberOfWorkers=10)) == 300 * 10 * dpu_per_worker


def test_the_pricing_page_example_15_minutes_on_6_dpu_costs_0_66() -> None:
    # "an AWS Glue Apache Spark job that runs for 15 minutes and uses 6 DPU ... 6 DPU * 1/4 hour * $0.44, or $0.66"
    cost = job_run_cost(_run(15 * 60, WorkerType="G.2X", NumberOfWorkers=3))

    assert cost.usd == pytest.approx(0.66)
    assert cost.dpu_seconds == cost.billed_dpu_seconds == 5400


def test_a_run_shorter_than_a_minute_is_billed_one_minute_on_glue_2_and_later() -> None:
    cost = job_run_cost(_run(20, WorkerType="G.1X", NumberOfWorkers=2))

    assert (cost.dpu_seconds, cost.billed_dpu_seconds) == (40, 120)
    assert cost.usd == pytest.approx(120 / 3600 * 0.44)


def test_spark_on_glue_1_0_has_a_ten_minute_minimum_but_python_shell_one_minute() -> None:
    legacy = job_run_cost({"ExecutionTime": 30, "GlueVersion": "1.0", "MaxCapacity": 10.0})
    shell = job_run_cost({"ExecutionTime": 30, "GlueVersion": "1.0", "MaxCapacity": 0.0625})

    assert legacy.billed_dpu_seconds == 600 * 10
    assert shell.billed_dpu_seconds == pytest.approx(60 * 0.0625)


def test_the_rate_is_the_env_s_and_a_run_that_never_ran_costs_nothing() -> None:
    cheap = Pricing(job_dpu_hour=0.29)  # e.g. a Flex rate

    assert job_run_cost(_run(3600, WorkerType="G.1X", NumberOfWorkers=2), cheap).usd == pytest.approx(0.58)
    assert job_run_cost(_run(0, WorkerType="G.1X", NumberOfWorkers=2)).usd == 0


def test_a_sub_second_run_that_ran_is_billed_the_minimum_not_free() -> None:
    ran = job_run_cost({"ExecutionTime": 0, "JobRunState": "SUCCEEDED", "MaxCapacity": 0.0625, "GlueVersion": "3.0"})
    waited = job_run_cost({"ExecutionTime": 0, "JobRunState": "ERROR", "MaxCapacity": 0.0625, "GlueVersion": "3.0"})

    assert ran.billed_dpu_seconds == pytest.approx(60 * 0.0625)
    assert waited.usd == 0


def test_glue_s_own_dpu_seconds_win_when_auto_scaling_used_more() -> None:
    cost = job_run_cost({**_run(100, WorkerType="G.1X", NumberOfWorkers=2), "DPUSeconds": 900.0})

    assert (cost.dpu_seconds, cost.billed_dpu_seconds) == (900, 900)


def test_a_crawl_is_billed_ten_minutes_at_least_at_the_crawler_rate() -> None:
    short = crawl_cost(at(0), at(90), None, Pricing(crawler_dpu_hour=0.5))
    reported = crawl_cost(at(0), at(1200), dpu_hour=2 * 1200 / 3600)  # AWS reported 2 DPU for 20 minutes

    assert short.billed_dpu_seconds == 600 and short.usd == pytest.approx(600 / 3600 * 0.5)
    assert reported.billed_dpu_seconds == pytest.approx(2400)


def test_a_workflow_run_costs_every_attempt_and_every_crawl() -> None:
    run = copy.deepcopy(
        JOB_FAILED_TWICE["Run"]
    )  # two failed attempts (8 s and 5 s) and one 30 s crawl; no workers in the shape
    for node in run["Graph"]["Nodes"]:
        for job_run in (node.get("JobDetails") or {}).get("JobRuns", []):
            job_run.update(WorkerType="G.2X", NumberOfWorkers=5)

    total = workflow_run_cost(run)

    assert total.dpu_seconds == pytest.approx((8 + 5) * 10 + 30)
    assert total.billed_dpu_seconds == pytest.approx(60 * 10 * 2 + 600)
    assert run_status("p", run).cost == total


def test_the_summary_shows_each_node_s_cost_and_the_run_s_total() -> None:
    run = copy.deepcopy(ALL_SUCCEEDED["Run"])
    for node in run["Graph"]["Nodes"]:
        for job_run in (node.get("JobDetails") or {}).get("JobRuns", []):
            job_run.update(WorkerType="G.1X", NumberOfWorkers=2)
    console = Console(record=True, width=200)

    print_summary(console, [run_status("p", run)], env_name="dev", region="eu-west-1", local=False, now=at(200))

    text = console.export_text()
    assert "DPU-s" in text and "cost" in text
    job = 59 * 2  # 59 s on 2 G.1X workers: billed 60 s
    crawls = 2 * 600
    assert f"{(60 * 2 + crawls) / 3600 * 0.44:.4f}" in text
    assert f"{job + 30 + 29:,} DPU-s used" in text


def test_an_env_sets_its_dpu_hour_rates_and_a_negative_one_is_a_spec_error(project: Path) -> None:
    from tests.spec.test_validation import VALID

    (project / "glue_jobs" / "testing").mkdir()
    (project / "glue_jobs" / "testing" / "noop.py.j2").write_text("print('noop')\n")
    (project / "pipelines" / "bad.yaml").write_text(VALID)
    env = project / "envs" / "local.yaml"
    base = env.read_text()
    assert load_deployment("local", root=project).env.pricing.pricing() == Pricing(0.44, 0.44)

    env.write_text(base + "pricing:\n  job_dpu_hour_usd: 0.29\n")
    assert load_deployment("local", root=project).env.pricing.pricing() == Pricing(0.29, 0.44)

    env.write_text(base + "pricing:\n  job_dpu_hour_usd: -1\n")
    with pytest.raises(SpecError) as caught:
        load_deployment("local", root=project)
    (problem,) = caught.value.problems
    assert (problem.file, problem.key_path) == ("envs/local.yaml", "pricing.job_dpu_hour_usd")
    assert problem.line == len(base.splitlines()) + 2
