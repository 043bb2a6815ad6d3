"""The job context: one object a script gets from `job_run(...)`, on Glue and locally.

On Glue it wraps SparkContext → GlueContext → Job (`job.init` at start, `job.commit()` on success, which saves
bookmarks). Locally it is plain Spark (the runtime's session, with the catalog's tables registered) plus the
bookmark files the local runtime passes in and commits (docs/glue-semantics.md, "Job bookmarks"). Either way
a run that raises commits nothing, so the next run reprocesses.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from glueflow_lib.args import all_options, resolved_options
from glueflow_lib.bookmarks import LocalBookmarks
from glueflow_lib.platform import on_glue

log = logging.getLogger("glueflow_lib")


class JobContext:
    """Arguments, Spark and (on Glue) the GlueContext of one job run."""

    def __init__(
        self,
        args: dict[str, str],
        spark: Any = None,
        glue_context: Any = None,
        glue_job: Any = None,
        bookmarks: LocalBookmarks | None = None,
    ) -> None:
        self.args = args
        self.spark = spark
        self.glue_context = glue_context
        self.glue_job = glue_job
        self.bookmarks = bookmarks
        self.counters: dict[str, int] = {}
        self.timings: dict[str, float] = {}
        self.committed = False

    @property
    def on_glue(self) -> bool:
        return self.glue_context is not None

    @property
    def name(self) -> str:
        return self.args.get("JOB_NAME", "job")

    @property
    def run_id(self) -> str:
        return self.args.get("JOB_RUN_ID", "") or self.args.get("JOB_ID", "") or "manual"

    @property
    def workflow(self) -> tuple[str, str] | None:
        """(workflow name, run id) when a workflow trigger started this run, else None."""
        name, run_id = self.args.get("WORKFLOW_NAME"), self.args.get("WORKFLOW_RUN_ID")
        return (name, run_id) if name and run_id else None

    def count(self, name: str, value: int) -> None:
        """Record a counter (rows read, written, quarantined); printed in the run summary."""
        self.counters[name] = self.counters.get(name, 0) + int(value)
        log.info("%s: %s", name, value)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Log a step's start and duration, so a long run shows where it is and where the time went."""
        log.info("step %s …", name)
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        log.info("step %s done in %.1fs", name, seconds)

    def commit(self) -> None:
        """Save bookmark state: job.commit() on Glue, BOOKMARK_OUT locally. Call once, after all writes."""
        if self.glue_job is not None:
            self.glue_job.commit()
        elif self.bookmarks is not None:
            self.bookmarks.commit()
        self.committed = True


def open_job(argv: Sequence[str], required: Sequence[str] = (), *, spark: bool = True) -> JobContext:
    """Resolve arguments (JOB_NAME plus `required`) and start Spark, Glue-style on Glue, plain locally."""
    args = all_options(argv)
    resolved_options(argv, ["JOB_NAME", *required])  # raises MissingArgumentError naming what is missing
    if on_glue():
        return _glue_context(args, spark)
    session = None
    if spark:
        from pyspark.sql import SparkSession

        session = SparkSession.builder.appName(args["JOB_NAME"]).getOrCreate()
    return JobContext(args, spark=session, bookmarks=LocalBookmarks.from_environment())


def _glue_context(args: dict[str, str], spark: bool) -> JobContext:
    if not spark:  # a python-shell job: no Spark, Glue keeps no bookmarks for it
        return JobContext(args)
    from awsglue.context import GlueContext  # type: ignore[import-not-found]
    from awsglue.job import Job  # type: ignore[import-not-found]
    from pyspark.context import SparkContext

    glue_context = GlueContext(SparkContext.getOrCreate())
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)
    return JobContext(args, spark=glue_context.spark_session, glue_context=glue_context, glue_job=job)


@contextmanager
def job_run(
    argv: Sequence[str] | None = None, required: Sequence[str] = (), *, spark: bool = True
) -> Iterator[JobContext]:
    """`with job_run(sys.argv, ["DATABASE_NAME"]) as job:` — commits when the block ends without an exception.

    An exception propagates unchanged (the run FAILS, FAILED triggers fire) and nothing is committed.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    context = open_job(sys.argv if argv is None else argv, required, spark=spark)
    yield context
    context.commit()
    summary = ", ".join(f"{k}={v}" for k, v in sorted(context.counters.items())) or "no counters"
    log.info("job %s run %s committed: %s", context.name, context.run_id, summary)
