"""What a Glue run costs: DPU-seconds from the worker type, billed per second over Glue's minimum, at a DPU-hour rate.

The arithmetic of AWS Glue's pricing page (aws.amazon.com/glue/pricing), read from the API shapes themselves
(`JobRun`, a workflow run's graph, `CrawlerHistory`) so the CLI, the console and the local runtime agree:

- A Spark job run uses NumberOfWorkers × the DPU of its WorkerType (G.025X = 0.25, G.1X = 1, G.2X = 2, G.4X = 4,
  G.8X = 8, ...); a Python shell job its MaxCapacity (0.0625 or 1); a legacy job its MaxCapacity / AllocatedCapacity.
- `DPUSeconds` is what the run used (ExecutionTime × DPU), as GetJobRun reports it; the bill rounds each attempt up to
  the minimum: 1 minute for Glue 2.0 and later and for Python shell, 10 minutes for Spark on Glue 0.9 / 1.0.
- A crawler run is billed per second at the crawler DPU-hour rate with a 10-minute minimum per run.

No AWS pricing API is called: the price is a per-env setting (`pricing:` in envs/<env>.yaml) whose default is the
us-east-1 list price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from glueflow.glue import WORKER_DPU

# us-east-1 list prices, USD per DPU-hour, as published on aws.amazon.com/glue/pricing (effective 2024-11-01).
LIST_PRICE_DATE = "2024-11-01"
DEFAULT_JOB_DPU_HOUR_USD = 0.44
DEFAULT_CRAWLER_DPU_HOUR_USD = 0.44

# DPU per worker (Glue's WorkerType doc); R.* are memory-optimised workers with the G.* DPU counts; Z.2X is Ray's.
# The G.* types a spec may choose come from glueflow.glue; the others can still appear on runs read from AWS.
DPU_PER_WORKER: dict[str, float] = {
    "Standard": 1.0,
    **WORKER_DPU,
    "G.12X": 12.0,
    "G.16X": 16.0,
    "R.1X": 1.0,
    "R.2X": 2.0,
    "R.4X": 4.0,
    "R.8X": 8.0,
    "Z.2X": 2.0,
}
JOB_MINIMUM_SECONDS = 60
LEGACY_SPARK_MINIMUM_SECONDS = 600  # Glue 0.9 and 1.0 Spark jobs
LEGACY_GLUE_VERSIONS = ("0.9", "1.0")
CRAWLER_MINIMUM_SECONDS = 600
# A local crawl allocates no DPU; it is priced as 1 DPU for its duration (AWS reports each crawl's DPUHour).
LOCAL_CRAWLER_DPU = 1.0


@dataclass(frozen=True)
class Pricing:
    """USD per DPU-hour for job runs and for crawler runs."""

    job_dpu_hour: float = DEFAULT_JOB_DPU_HOUR_USD
    crawler_dpu_hour: float = DEFAULT_CRAWLER_DPU_HOUR_USD


@dataclass(frozen=True)
class Cost:
    """DPU-seconds used, DPU-seconds billed (after the minimum) and the price of the billed ones in USD."""

    dpu_seconds: float = 0.0
    billed_dpu_seconds: float = 0.0
    usd: float = 0.0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.dpu_seconds + other.dpu_seconds,
            self.billed_dpu_seconds + other.billed_dpu_seconds,
            self.usd + other.usd,
        )


# States of an attempt that held its DPUs, however briefly (the others never started running).
RAN_STATES = frozenset({"RUNNING", "STOPPING", "SUCCEEDED", "FAILED", "TIMEOUT"})
LIST_PRICES = Pricing()  # the default of every function here: us-east-1 list prices
NO_COST = Cost()


def capacity(job_run: Mapping[str, Any]) -> float:
    """The DPUs a job run holds: workers × DPU per worker, else its MaxCapacity (Python shell, legacy Spark)."""
    worker_type, workers = job_run.get("WorkerType"), job_run.get("NumberOfWorkers")
    if worker_type and workers:
        return DPU_PER_WORKER.get(str(worker_type), 1.0) * float(workers)
    return float(job_run.get("MaxCapacity") or job_run.get("AllocatedCapacity") or 0.0)


def is_python_shell(job_run: Mapping[str, Any]) -> bool:
    """A run without workers at 0.0625 or 1 DPU: Glue allows only these capacities for Python shell jobs."""
    return not job_run.get("WorkerType") and capacity(job_run) in (0.0625, 1.0)


def minimum_seconds(job_run: Mapping[str, Any]) -> int:
    legacy = str(job_run.get("GlueVersion") or "") in LEGACY_GLUE_VERSIONS
    return LEGACY_SPARK_MINIMUM_SECONDS if legacy and not is_python_shell(job_run) else JOB_MINIMUM_SECONDS


def dpu_seconds(job_run: Mapping[str, Any]) -> float:
    """The run's `DPUSeconds` as GetJobRun reports it: ExecutionTime × capacity, without the billing minimum."""
    return float(job_run.get("ExecutionTime") or 0) * capacity(job_run)


def job_run_cost(job_run: Mapping[str, Any], pricing: Pricing = LIST_PRICES) -> Cost:
    """One attempt's cost. A run that never ran (WAITING, ERROR, stopped before it started) costs nothing; one that
    ran is billed at least the minimum, even when its ExecutionTime rounds to 0 seconds."""
    seconds = float(job_run.get("ExecutionTime") or 0)
    used = float(job_run["DPUSeconds"]) if job_run.get("DPUSeconds") is not None else dpu_seconds(job_run)
    if seconds <= 0 and used <= 0 and job_run.get("JobRunState") not in RAN_STATES:
        return Cost()
    billed = max(seconds, minimum_seconds(job_run)) * capacity(job_run)
    billed = max(billed, used)  # auto-scaled runs report DPUSeconds above the allocated capacity's
    return Cost(used, billed, billed / 3600 * pricing.job_dpu_hour)


def crawl_cost(
    started_on: datetime | float | None,
    completed_on: datetime | float | None,
    dpu_hour: float | None = None,
    pricing: Pricing = LIST_PRICES,
) -> Cost:
    """One crawl's cost: its DPUs (from `DPUHour` when AWS reports it, else LOCAL_CRAWLER_DPU) over max(duration,
    10 minutes). A crawl still running is priced up to now by the caller passing completed_on."""
    if started_on is None or completed_on is None:
        return Cost()
    duration = max(0.0, _seconds(completed_on) - _seconds(started_on))
    dpus = (dpu_hour * 3600 / duration) if dpu_hour and duration > 0 else LOCAL_CRAWLER_DPU
    used = dpus * duration
    billed = dpus * max(duration, CRAWLER_MINIMUM_SECONDS)
    return Cost(used, billed, billed / 3600 * pricing.crawler_dpu_hour)


def _seconds(value: datetime | float) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def workflow_run_cost(run: Mapping[str, Any], pricing: Pricing = LIST_PRICES) -> Cost:
    """A workflow run's cost from `GetWorkflowRun(IncludeGraph=True)`: every attempt of every job and every crawl."""
    total = Cost()
    for node in (run.get("Graph") or {}).get("Nodes", []):
        total += sum_costs(job_run_cost(r, pricing) for r in (node.get("JobDetails") or {}).get("JobRuns") or [])
        for crawl in (node.get("CrawlerDetails") or {}).get("Crawls") or []:
            total += crawl_cost(crawl.get("StartedOn"), crawl.get("CompletedOn"), None, pricing)
    return total


def sum_costs(costs: Iterable[Cost]) -> Cost:
    total = Cost()
    for cost in costs:
        total += cost
    return total


def format_usd(usd: float) -> str:
    """Dollars with enough digits that a one-minute G.1X run ($0.0073) does not print as $0.00."""
    return f"${usd:,.2f}" if usd >= 10 else f"${usd:.4f}"
