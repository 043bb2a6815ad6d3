"""awsglue.job.Job: `init` opens the run's job bookmark (keyed by transformation_ctx), `commit` saves it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsglue._glueflow import bookmarks
from awsglue._glueflow.unsupported import unsupported


class Job:
    @classmethod
    def continuation_options(cls) -> list[str]:
        return ["--continuation-option", "continuation-enabled", "continuation-readonly", "continuation-ignore"]

    @classmethod
    def job_bookmark_options(cls) -> list[str]:
        return ["--job-bookmark-option", bookmarks.ENABLE, bookmarks.PAUSE, bookmarks.DISABLE]

    @classmethod
    def job_bookmark_range_options(cls) -> list[str]:
        return ["--job-bookmark-from", "--job-bookmark-to"]

    @classmethod
    def id_params(cls) -> list[str]:
        return ["--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION"]

    @classmethod
    def encryption_type_options(cls) -> list[str]:
        return ["--encryption-type", "sse-s3"]

    @classmethod
    def data_lineage_options(cls) -> list[str]:
        return ["--enable-data-lineage"]

    def __init__(self, glue_context_or_spark_session: Any) -> None:
        self._context = glue_context_or_spark_session
        self._session: bookmarks.BookmarkSession | None = None
        self._name: str | None = None

    def init(self, job_name: str, args: Mapping[str, Any] | None = None) -> None:
        """Starts the run: `args['job_bookmark_option']` (from getResolvedOptions) picks enable, pause or
        disable (the default)."""
        args = dict(args or {})
        option = args.get("job_bookmark_option") or args.get("job-bookmark-option") or bookmarks.DISABLE
        if args.get("job_bookmark_from") or args.get("job_bookmark_to"):
            unsupported("--job-bookmark-from/--job-bookmark-to", "bookmark ranges of earlier runs")
        self._name = job_name
        self._session = bookmarks.start(option)

    def isInitialized(self) -> bool:
        return self._session is not None

    def commit(self) -> None:
        """Saves the bookmark state of every transformation_ctx read in this run (enable only); a run that
        fails before commit, or fails after it, keeps the previous bookmark."""
        if self._session is None:
            raise RuntimeError("Job.commit() called before Job.init()")
        self._session.commit()
