"""Job runs: StartJobRun and workflow actions, attempts and retries, the launch of one attempt (arguments,
environment, script), and job bookmarks committed when an attempt succeeds.

What differs between job types is asked of `glueflow.glue.JOB_KINDS` (Spark or not); the process an attempt runs
in is `glueflow.local.jobs` (and `glueflow.local.launcher` inside it).
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import traceback
from pathlib import Path

from glueflow.dag import Node
from glueflow.glue import JobRunState, NodeType, job_kind
from glueflow.local import errors
from glueflow.local.catalog import spark_catalog
from glueflow.local.engine.core import JSON, EngineCore, new_run_id
from glueflow.local.engine.records import JobRunRecord
from glueflow.local.job_inputs import choose_codegen, choose_interpreted, input_bytes, input_paths
from glueflow.local.jobs import TIERED_INPUT_BYTES, JobLaunch, JobOutcome, choose_jit

BOOKMARK_ENABLE = "job-bookmark-enable"
BOOKMARK_PAUSE = "job-bookmark-pause"
DEFAULT_TIMEOUT_MINUTES = 2880  # Glue's default job timeout (48 hours) when neither the job nor the run sets one


class JobRuns(EngineCore):
    def start_job_run(self, job_name: str, arguments: dict[str, str], timeout: int | None) -> str:
        """StartJobRun from outside a workflow: no workflow trigger watches it."""
        with self._lock:
            job = self.store.definition("job", job_name)
            if job is None:
                raise errors.not_found(f"Job not found: {job_name}")
            return self._start_job(job_name, None, None, arguments, timeout)

    def wait_for_job_run(self, job_run_id: str, timeout: float) -> JSON:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                body = self.store.job_run(job_run_id)
                run = JobRunRecord.from_body(body) if body is not None else None
                if run is not None and run.finished and not self._has_next_attempt(run):
                    return body or {}
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"job run {job_run_id} not finished after {timeout}s")
                self._changed.wait(min(remaining, 1.0))

    def _has_next_attempt(self, run: JobRunRecord) -> bool:
        return any(r.get("PreviousRunId") == run.id for r in self.store.job_runs(run.job_name))

    def _start_job(
        self, job_name: str, run_id: str | None, trigger: str | None, arguments: dict[str, str], timeout: int | None
    ) -> str:
        """Record a new job run (attempt 0) and start its thread; a missing job is an ERROR run."""
        job = self.store.definition("job", job_name)
        recorded = dict(arguments)
        if run_id is not None:
            workflow = self.store.workflow_run(run_id) or {}
            recorded.update({"--WORKFLOW_NAME": workflow.get("Name", ""), "--WORKFLOW_RUN_ID": run_id})
        now = time.time()
        job_run = JobRunRecord(
            id=new_run_id("jr"),
            job_name=job_name,
            state=JobRunState.STARTING,
            trigger_name=trigger or None,
            started_on=now,
            last_modified_on=now,
            arguments=recorded,
            log_group_name=str(self.logs_dir / "jobs"),
            workflow_run_id=run_id,
        )
        if job is None:
            job_run.state, job_run.completed_on = JobRunState.ERROR, now
            job_run.error_message = f"Entity not found: job {job_name}"
            self.store.put_job_run(job_run.to_body())
            self.store.add_event("JobRunFinished", run_id, job_name, {"state": JobRunState.ERROR})
            return job_run.id
        job_run.timeout = int(timeout or job.get("Timeout") or DEFAULT_TIMEOUT_MINUTES)
        job_run.glue_version = job.get("GlueVersion")
        job_run.worker_type, job_run.number_of_workers = job.get("WorkerType"), job.get("NumberOfWorkers")
        job_run.max_capacity = job.get("MaxCapacity")
        limit = job.get("ExecutionProperty", {}).get("MaxConcurrentRuns", 1)
        if not self.store.insert_job_run_within(job_run.to_body(), limit):  # atomic across runtimes on one state dir
            if run_id is None:  # StartJobRun raises; a trigger's start records a FAILED run (see README)
                raise errors.concurrent_runs_exceeded(
                    f"Concurrent runs exceeded for job {job_name} (ExecutionProperty.MaxConcurrentRuns = {limit})"
                )
            job_run.state, job_run.completed_on = JobRunState.FAILED, now
            job_run.error_message = f"ConcurrentRunsExceededException: Concurrent runs exceeded for {job_name}"
            self.store.put_job_run(job_run.to_body())
            self._spawn(lambda: self._node_finished(run_id, Node(NodeType.JOB, job_name), JobRunState.FAILED), run_id)
            return job_run.id
        self._spawn(lambda: self._run_job(job, job_run, arguments), run_id)
        return job_run.id

    def _run_job(self, job: JSON, job_run: JobRunRecord, action_arguments: dict[str, str]) -> None:
        run_id = job_run.workflow_run_id
        if not self._slots.acquire(blocking=False):
            with self._lock:  # every slot is busy: the run waits, visibly (JobRunState WAITING)
                job_run.state, job_run.last_modified_on = JobRunState.WAITING, time.time()
                self.store.put_job_run(job_run.to_body())
            self._slots.acquire()
        self._busy_slots += 1
        try:
            while True:
                outcome = self._attempt(job, job_run, action_arguments)
                self._finish_attempt(job, job_run, outcome)
                if (
                    outcome.state != JobRunState.FAILED
                    or job_run.attempt >= job.get("MaxRetries", 0)
                    or self._stopping(run_id)
                ):
                    break
                job_run = self._next_attempt(job_run)
        finally:
            self._busy_slots -= 1
            self._slots.release()
        if run_id is None and self.settings.keep_warm and job_kind(job["Command"]["Name"]).spark:
            # Standalone runs (`glueflow job run`, StartJobRun) come in edit-run loops: the next one takes a spare.
            threading.Thread(target=self._prewarm_standalone, daemon=True).start()
        self._node_finished(run_id, Node(NodeType.JOB, job["Name"]), job_run.state)

    def _prewarm_standalone(self) -> None:
        try:
            self.runner.prewarm(1)
        except Exception:  # no Java: the next job run reports it
            return

    def _next_attempt(self, previous: JobRunRecord) -> JobRunRecord:
        """The retry of a failed attempt: a new run id, the same arguments, capacity and workflow run."""
        now = time.time()
        job_run = dataclasses.replace(
            previous,
            id=new_run_id("jr"),
            attempt=previous.attempt + 1,
            previous_run_id=previous.id,
            started_on=now,
            last_modified_on=now,
            completed_on=None,
            error_message=None,
            state=JobRunState.STARTING,
            execution_time=0,
        )
        self.store.put_job_run(job_run.to_body())
        self.store.add_event("JobRunRetried", job_run.workflow_run_id, job_run.job_name, {"attempt": job_run.attempt})
        return job_run

    def _attempt(self, job: JSON, job_run: JobRunRecord, action_arguments: dict[str, str]) -> JobOutcome:
        run_id = job_run.workflow_run_id
        if self._stopping(run_id) or job_run.id in self._cancelled:
            return JobOutcome(JobRunState.STOPPED, "Job run was stopped before it started.")
        try:
            launch = self._launch(job, job_run, action_arguments)
            with self._lock:
                job_run.state = JobRunState.RUNNING
                job_run.last_modified_on = job_run.running_on = time.time()
                self.store.put_job_run(job_run.to_body())
                self.store.add_event(
                    "JobRunStarted", run_id, job["Name"], {"id": job_run.id, "attempt": job_run.attempt}
                )
            process = self.runner.start(launch)  # outside the lock: spawning must not delay other nodes' hops
            with self._lock:
                self._handles[job_run.id] = process
                if self._stopping(run_id) or job_run.id in self._cancelled:
                    threading.Thread(target=process.stop, daemon=True).start()
            if job_kind(job["Command"]["Name"]).spark and run_id is not None:
                self._prewarm_for(run_id)
            return process.wait(launch)
        except Exception as exc:  # the runtime could not start the job (no Java, missing script, ...)
            log_path = self.logs_dir / "jobs" / f"{job_run.id}.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("a", encoding="utf-8") as log:
                log.write(f"glueflow: the job run could not start\n{traceback.format_exc()}")
            return JobOutcome(JobRunState.FAILED, f"{type(exc).__name__}: {exc}")
        finally:
            self._handles.pop(job_run.id, None)

    def _finish_attempt(self, job: JSON, job_run: JobRunRecord, outcome: JobOutcome) -> None:
        with self._lock:
            job_run.finish(JobRunState(outcome.state), time.time(), outcome.error_message)
            with self.store.transaction():
                self.store.put_job_run(job_run.to_body())
                if outcome.state == JobRunState.SUCCEEDED:
                    self._commit_bookmark(job, job_run)
                self.store.add_event(
                    "JobRunFinished",
                    job_run.workflow_run_id,
                    job["Name"],
                    {"id": job_run.id, "state": outcome.state},
                )
            self._changed.notify_all()

    def resolved_arguments(self, job: JSON, job_run: JobRunRecord, action_arguments: dict[str, str]) -> dict[str, str]:
        """defaults ← action/StartJobRun arguments ← workflow and run ids; non-overridable arguments win."""
        arguments = {**job.get("DefaultArguments", {}), **action_arguments}
        for key in ("--WORKFLOW_NAME", "--WORKFLOW_RUN_ID"):
            if key in job_run.arguments:
                arguments[key] = job_run.arguments[key]
        arguments["--JOB_RUN_ID"] = job_run.id
        arguments.update(job.get("NonOverridableArguments", {}))
        return arguments

    def _run_dir(self, job_run_id: str) -> Path:
        return self.store.state_dir / "runs" / job_run_id

    def _launch(self, job: JSON, job_run: JobRunRecord, action_arguments: dict[str, str]) -> JobLaunch:
        arguments = self.resolved_arguments(job, job_run, action_arguments)
        local = self.s3.translate_arguments(arguments)
        argv = ["--JOB_NAME", job["Name"]]
        for key, value in local.items():
            argv += [key, value]
        run_dir = self._run_dir(job_run.id)
        run_dir.mkdir(parents=True, exist_ok=True)
        option = arguments.get("--job-bookmark-option", "job-bookmark-disable")
        bookmark_in: str | None = None
        committed = self.store.bookmark(job["Name"])
        if option in (BOOKMARK_ENABLE, BOOKMARK_PAUSE) and committed and committed.get("JobBookmark"):
            path = run_dir / "bookmark-in.json"
            path.write_text(committed["JobBookmark"], encoding="utf-8")
            bookmark_in = str(path)
        python_path = [p for p in local.get("--extra-py-files", "").split(",") if p and Path(p).exists()]
        python_path.append(str(self.settings.job_library_zip))
        env: dict[str, str | None] = {
            "GLUEFLOW_LOCAL": "1",
            "GLUEFLOW_BOOKMARK_IN": bookmark_in,
            "GLUEFLOW_BOOKMARK_OUT": str(run_dir / "bookmark-out.json"),
            "AWS_ENDPOINT_URL_GLUE": self._endpoint_url(),
            "GLUEFLOW_S3_ROOT": str(self.s3.root),  # s3:// paths in Spark read and write these folders
            # boto3.client("s3") in a script reaches the bucket folders (botocore reads AWS_ENDPOINT_URL_<SERVICE>).
            "AWS_ENDPOINT_URL_S3": self._s3_endpoint_url() if self._s3_endpoint_url else None,
            "AWS_ACCESS_KEY_ID": "glueflow-local",
            "AWS_SECRET_ACCESS_KEY": "glueflow-local",
            "AWS_DEFAULT_REGION": self.settings.region,
            "AWS_REGION": self.settings.region,
            # A profile would take precedence over the dummy keys and could point boto3 at a real account.
            "AWS_PROFILE": None,
            "AWS_DEFAULT_PROFILE": None,
            "AWS_SESSION_TOKEN": None,
        }
        kind = job_kind(job["Command"]["Name"])
        catalog = spark_catalog(self.store, self.s3) if kind.spark else {}
        size = self._input_size(local, catalog, bookmark_in) if kind.spark else 0
        return JobLaunch(
            job_run_id=job_run.id,
            kind=kind.name,
            script=self._script_of(job),
            argv=argv,
            env=env,  # type: ignore[arg-type]
            python_path=python_path,
            run_dir=run_dir,
            log_path=self.logs_dir / "jobs" / f"{job_run.id}.log",
            timeout_seconds=(job_run.timeout or DEFAULT_TIMEOUT_MINUTES) * self.settings.seconds_per_minute,
            catalog=catalog,
            app_name=job["Name"],
            jit=choose_jit(size, self.settings.jit) if kind.spark else "c1",
            codegen=choose_codegen(size) if kind.spark else True,
            interpreted=choose_interpreted(size) if kind.spark else False,
        )

    def _input_size(self, arguments: dict[str, str], catalog: JSON, bookmark: str | None) -> int:
        """The bytes a Spark run will read (job_inputs.input_bytes), walked once up to the largest threshold that
        its JIT, codegen and interpreted choices use."""
        paths = input_paths(arguments.values(), catalog)
        return input_bytes(paths, self.s3.root, _processed_files(bookmark), TIERED_INPUT_BYTES)

    def _script_of(self, job: JSON) -> Path:
        """The deployed copy in the scripts bucket (as Glue runs it), else the rendered script in build/."""
        deployed = Path(self.s3.local_path(job["Command"]["ScriptLocation"]))
        if deployed.is_file():
            return deployed
        rendered = self.settings.root / job["_script_path"]
        if rendered.is_file():
            return rendered
        raise FileNotFoundError(
            f"script of job {job['Name']} not found at {deployed} or {rendered}; run glueflow deploy"
        )

    def _commit_bookmark(self, job: JSON, job_run: JobRunRecord) -> None:
        arguments = {
            **job.get("DefaultArguments", {}),
            **job_run.arguments,
            **job.get("NonOverridableArguments", {}),
        }
        if arguments.get("--job-bookmark-option") != BOOKMARK_ENABLE:
            return
        out = self._run_dir(job_run.id) / "bookmark-out.json"
        if not out.is_file():
            return
        previous = self.store.bookmark(job["Name"]) or {}
        self.store.put_bookmark(
            {
                "JobName": job["Name"],
                "Version": previous.get("Version", 0) + 1,
                "Run": previous.get("Run", 0) + 1,
                "Attempt": job_run.attempt,
                "RunId": job_run.id,
                "PreviousRunId": previous.get("RunId", ""),
                "JobBookmark": out.read_text(encoding="utf-8"),
            }
        )


def _processed_files(bookmark: str | None) -> set[str]:
    """The file URIs a committed bookmark lists (glueflow_lib.bookmarks' format), for job_inputs.input_bytes."""
    if bookmark is None:
        return set()
    try:
        sources = json.loads(Path(bookmark).read_text(encoding="utf-8")).get("sources", {})
        return {uri for source in sources.values() for uri in source.get("files", {})}
    except (OSError, ValueError, AttributeError):
        return set()
