"""AWS Glue's vocabulary, spelled once: run and trigger states, worker types, job kinds, event-batching limits,
and glueflow's exit codes. Every other module imports these names instead of writing the strings again.

The states are `StrEnum`s, so a member *is* its string: comparisons with stored JSON, SQL parameters and
`json.dumps` keep working unchanged. The values are Glue's API enums (botocore's glue service model:
JobRunState, CrawlState, WorkflowRunStatus, TriggerState, TriggerType, WorkerType). Where Terraform needs the
same constant (modules/workflow_graph, modules/glue_job), tests/test_glue_vocabulary.py holds the two together.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Literal, get_args


class JobRunState(StrEnum):
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    ERROR = "ERROR"
    WAITING = "WAITING"
    TIMEOUT = "TIMEOUT"
    EXPIRED = "EXPIRED"


class CrawlState(StrEnum):
    RUNNING = "RUNNING"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    ERROR = "ERROR"


class CrawlerHistoryState(StrEnum):
    """What ListCrawls reports for a crawl (its CrawlState SUCCEEDED is COMPLETED here, CANCELLED is STOPPED)."""

    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    STOPPED = "STOPPED"


class CrawlerState(StrEnum):
    READY = "READY"
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"


class WorkflowRunStatus(StrEnum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    ERROR = "ERROR"


class TriggerState(StrEnum):
    CREATED = "CREATED"  # an ON_DEMAND trigger's state: it is never activated
    ACTIVATED = "ACTIVATED"
    DEACTIVATED = "DEACTIVATED"


class TriggerType(StrEnum):
    ON_DEMAND = "ON_DEMAND"
    SCHEDULED = "SCHEDULED"
    EVENT = "EVENT"
    CONDITIONAL = "CONDITIONAL"


class Logical(StrEnum):
    AND = "AND"
    ANY = "ANY"


class NodeType(StrEnum):
    JOB = "JOB"
    CRAWLER = "CRAWLER"
    TRIGGER = "TRIGGER"


# A job run that reached one of these will not change again (Glue's terminal JobRunStates).
FINAL_JOB_RUN_STATES = frozenset(
    {
        JobRunState.SUCCEEDED,
        JobRunState.FAILED,
        JobRunState.TIMEOUT,
        JobRunState.STOPPED,
        JobRunState.ERROR,
        JobRunState.EXPIRED,
    }
)
ACTIVE_JOB_RUN_STATES = (JobRunState.STARTING, JobRunState.RUNNING, JobRunState.STOPPING, JobRunState.WAITING)
FINAL_CRAWL_STATES = frozenset({CrawlState.SUCCEEDED, CrawlState.FAILED, CrawlState.CANCELLED, CrawlState.ERROR})
ACTIVE_WORKFLOW_RUN_STATUSES = (WorkflowRunStatus.RUNNING, WorkflowRunStatus.STOPPING)
FINISHED_WORKFLOW_RUN_STATUSES = (WorkflowRunStatus.COMPLETED, WorkflowRunStatus.STOPPED, WorkflowRunStatus.ERROR)

# The states a conditional trigger's Condition may watch (Glue's Condition.State / CrawlState), in the order
# error messages list them.
WATCHABLE_JOB_STATES = (JobRunState.SUCCEEDED, JobRunState.STOPPED, JobRunState.FAILED, JobRunState.TIMEOUT)
WATCHABLE_CRAWL_STATES = (CrawlState.SUCCEEDED, CrawlState.FAILED, CrawlState.CANCELLED)


class WorkerType(StrEnum):
    """Glue worker types for Spark jobs; `dpu` is the DPUs one worker of the type has (Glue's pricing unit)."""

    G_025X = "G.025X"
    G_1X = "G.1X"
    G_2X = "G.2X"
    G_4X = "G.4X"
    G_8X = "G.8X"

    @property
    def dpu(self) -> float:
        return WORKER_DPU[self]


WORKER_DPU: dict[WorkerType, float] = {
    WorkerType.G_025X: 0.25,
    WorkerType.G_1X: 1.0,
    WorkerType.G_2X: 2.0,
    WorkerType.G_4X: 4.0,
    WorkerType.G_8X: 8.0,
}


@dataclass(frozen=True)
class JobKind:
    """One Glue job type (Command.Name) and what differs between types, so code asks the table, not the name.

    `spark`: runs in a Spark session (catalog-backed, bookmarks, warm spares, the Spark platform arguments).
    `workers`: sized by worker type x number of workers; otherwise by MaxCapacity DPUs (`max_capacities`).
    Add a job type here, plus its launcher in glueflow.local.launcher (docs/architecture.md walks through it).
    """

    name: str
    spark: bool
    workers: bool
    glue_versions: tuple[str, ...]
    python_version: str
    max_capacities: tuple[float, ...] = ()  # allowed MaxCapacity values (capacity-sized kinds), the first the default


JobKindName = Literal["glueetl", "pythonshell"]  # what a spec's `type:` accepts: the keys of JOB_KINDS
GLUEETL, PYTHONSHELL = get_args(JobKindName)
JOB_KINDS: dict[str, JobKind] = {
    GLUEETL: JobKind(GLUEETL, spark=True, workers=True, glue_versions=("3.0", "4.0", "5.0"), python_version="3"),
    PYTHONSHELL: JobKind(
        PYTHONSHELL,
        spark=False,
        workers=False,
        glue_versions=("3.0",),
        python_version="3.9",
        max_capacities=(0.0625, 1.0),
    ),
}


def job_kind(name: str) -> JobKind:
    """The kind of a job by its Command.Name (KeyError for a name glueflow does not run)."""
    return JOB_KINDS[name]


@dataclass(frozen=True)
class Limits:
    low: int
    high: int
    default: int


# EventBatchingCondition: BatchSize 1..100 (default 1), BatchWindow 1..900 seconds (default 900).
EVENT_BATCH_SIZE = Limits(1, 100, default=1)
EVENT_BATCH_WINDOW_SECONDS = Limits(1, 900, default=900)


class ExitCode(IntEnum):
    """glueflow's process exit codes."""

    OK = 0
    FAILED = 1  # a run failed, a tool failed, or the user cancelled
    USAGE = 2  # an error the user can fix (GlueflowError's default)
    SPEC = 3  # problems in the pipeline/env specs
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
