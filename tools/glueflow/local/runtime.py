"""`LocalRuntime`: the Glue API of the embedded runtime.

`call(operation, params)` takes and returns exactly botocore's JSON shapes for AWSGlue; requests are checked
against botocore's own model, so a call that boto3 would reject is rejected here too, as InvalidInputException.
Errors raise `GlueApiError` with Glue's exception names. Thread-safe: the endpoint calls it from many threads.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ParamValidationError

from glueflow.glue import TriggerState, TriggerType
from glueflow.local import errors, faults, shapes
from glueflow.local.confine import CODE_ARGUMENTS, ArgumentGuard
from glueflow.local.definitions import public
from glueflow.local.engine import Engine, EngineSettings
from glueflow.local.engine.records import JobRunRecord
from glueflow.local.jobs import JobRunner
from glueflow.local.partition_filter import compile_expression
from glueflow.local.s3 import LocalS3
from glueflow.local.store import Store
from glueflow.run_changes import MAX_WAIT_SECONDS, change_mark
from glueflow.settings import Settings
from glueflow.spec.deployment import JOB_LIBRARY_ZIP, Deployment

if TYPE_CHECKING:
    from botocore.model import ServiceModel
    from botocore.validate import ParamValidator

JSON = dict[str, Any]
Handler = Callable[["LocalRuntime", JSON], JSON]
_HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[name] = handler
        return handler

    return register


@functools.cache
def glue_model() -> ServiceModel:
    # botocore's loader and model on first call: a CLI command that only reads runs should not import them.
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    # The loader, not a Session: a session would read AWS_PROFILE and fail on a profile that does not exist.
    return ServiceModel(create_loader().load_service_model("glue", "service-2"), service_name="glue")


@functools.cache
def _param_validator() -> ParamValidator:
    from botocore.validate import ParamValidator

    return ParamValidator()


def supported_operations() -> list[str]:
    return sorted(_HANDLERS)


class LocalRuntime:
    """The embedded Glue control and execution plane for one env's state directory."""

    def __init__(
        self,
        state_dir: Path,
        *,
        root: Path,
        build_dir: Path,
        region: str = "us-east-1",
        max_parallel: int | None = None,
        seconds_per_minute: float = 60.0,
        spare_idle_seconds: float = 300.0,
        keep_warm: bool = True,
        replace_spares: bool = False,  # long-lived runtimes (serve, background): see JobRunner.replace_taken
        settings: Settings | None = None,
    ) -> None:
        settings = settings or Settings.from_environ()
        self.state_dir = state_dir
        self.store = Store(state_dir)
        self.s3 = LocalS3(state_dir)
        self.runner = JobRunner(
            state_dir / "processes",
            spare_idle_seconds=spare_idle_seconds,
            replace_taken=replace_spares,
            settings=settings,
        )
        engine_settings = EngineSettings(
            root=root,
            build_dir=build_dir,
            region=region,
            job_library_zip=build_dir / "glue_jobs" / JOB_LIBRARY_ZIP,
            max_parallel=max_parallel or os.cpu_count() or 2,
            seconds_per_minute=seconds_per_minute,
            keep_warm=keep_warm,
            jit=settings.jit,
        )
        self.engine = Engine(self.store, self.s3, self.runner, engine_settings, self.endpoint_url, self.s3_endpoint_url)
        self._endpoint: Any = None
        self._s3_endpoint: Any = None
        self._endpoint_lock = threading.Lock()
        self._root, self._build_dir = root, build_dir
        self._closed = False
        self.last_call = time.monotonic()  # the background runtime retires after a while without calls
        self._waiters = threading.BoundedSemaphore(4)  # waiting requests hold endpoint workers: bounded

    @classmethod
    def for_deployment(cls, deployment: Deployment, **options: Any) -> LocalRuntime:
        """The runtime of a deployment's env (state in `deployment.state_dir`)."""
        local = deployment.env.local
        options.setdefault("max_parallel", local.max_parallel_nodes)
        options.setdefault("settings", deployment.settings)
        return cls(
            deployment.state_dir,
            root=deployment.root,
            build_dir=deployment.build_dir,
            region=deployment.env.region,
            **options,
        )

    @property
    def recovered_runs(self) -> list[str]:
        """Workflow runs of a dead runtime that were finished when this one opened the store."""
        return self.store.recovered

    def endpoint_url(self) -> str:
        """The loopback Glue endpoint jobs call (started on first use, stopped by close())."""
        with self._endpoint_lock:
            if self._endpoint is None:
                from glueflow.local.endpoint import start_endpoint

                self._endpoint = start_endpoint(self)
            return str(self._endpoint.url)

    def s3_endpoint_url(self) -> str:
        """The loopback S3 endpoint over the bucket folders (started on first use, stopped by close())."""
        with self._endpoint_lock:
            if self._s3_endpoint is None:
                from glueflow.local.s3_http import start_s3_endpoint

                self._s3_endpoint = start_s3_endpoint(self.s3.root)
            return str(self._s3_endpoint.url)

    def call(self, operation_name: str, params: JSON | None = None, *, validate: bool = True) -> JSON:
        """One Glue API call. `validate=False` is for glueflow's own in-process reads (aws.InProcessGlue), whose
        requests glueflow builds: it spares them loading botocore's model (~0.1 s of a `glueflow status`)."""
        self.last_call = time.monotonic()
        params = dict(params or {})
        handler = _HANDLERS.get(operation_name)
        if handler is None:
            raise errors.GlueApiError(
                "UnsupportedOperationException",
                f"Operation {operation_name} is not supported by the glueflow local runtime; "
                f"supported: {', '.join(supported_operations())}",
            )
        if validate:
            self._validate(operation_name, params)
        faults.point(f"api.{operation_name}")
        return handler(self, params)

    def get_workflow_run_when_changed(self, params: JSON, seen: str, timeout: float) -> JSON:
        """GetWorkflowRun, answered once the run's change_mark differs from `seen` or `timeout` has passed: how
        `glueflow run` follows a local run, woken by the store's events instead of polling. Beyond a few waiting
        requests at once, it answers at once (the client then waits a little itself)."""
        if not self._waiters.acquire(blocking=False):
            return self.call("GetWorkflowRun", params)
        try:
            deadline = time.monotonic() + max(0.0, min(timeout, MAX_WAIT_SECONDS))
            while True:
                generation = self.store.generation  # before reading: an event meanwhile is not missed
                answer = self.call("GetWorkflowRun", params)
                remaining = deadline - time.monotonic()
                if remaining <= 0 or change_mark(answer["Run"]) != seen:
                    return answer
                self.store.wait_for_event(generation, remaining)
        finally:
            self._waiters.release()

    def _validate(self, operation_name: str, params: JSON) -> None:
        model = glue_model().operation_model(operation_name)
        report = _param_validator().validate(params, model.input_shape)
        if report.has_errors():
            raise errors.invalid_input(str(ParamValidationError(report=report.generate_report())))

    def close(self) -> None:
        """Stop running work (runs end STOPPED), spares and the endpoint; release the store. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.engine.close()
        self.runner.close()
        with self._endpoint_lock:
            if self._endpoint is not None:
                self._endpoint.shutdown()
                self._endpoint = None
            if self._s3_endpoint is not None:
                self._s3_endpoint.shutdown()
                self._s3_endpoint = None
        self.store.close()

    def __enter__(self) -> LocalRuntime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- lookups ----------------------------------------------------------------------------------------

    def _definition(self, kind: str, name: str, label: str) -> JSON:
        found = self.store.definition(kind, name)
        if found is None:
            raise errors.not_found(f"{label} not found: {name}")
        return found


# --- workflows ------------------------------------------------------------------------------------------


@operation("StartWorkflowRun")
def _start_workflow_run(rt: LocalRuntime, p: JSON) -> JSON:
    return {"RunId": rt.engine.start_workflow_run(p["Name"], p.get("RunProperties"))}


@operation("GetWorkflowRun")
def _get_workflow_run(rt: LocalRuntime, p: JSON) -> JSON:
    run = rt.engine.workflow_run(p["Name"], p["RunId"])
    return {"Run": shapes.workflow_run_shape(rt.store, run, bool(p.get("IncludeGraph")))}


@operation("GetWorkflowRuns")
def _get_workflow_runs(rt: LocalRuntime, p: JSON) -> JSON:
    rt._definition("workflow", p["Name"], "Workflow")
    include_graph = bool(p.get("IncludeGraph"))
    return shapes.paged(
        "Runs",
        rt.store.workflow_runs(p["Name"]),
        p,
        shape=lambda r: shapes.workflow_run_shape(rt.store, r, include_graph),
    )


@operation("StopWorkflowRun")
def _stop_workflow_run(rt: LocalRuntime, p: JSON) -> JSON:
    rt.engine.stop_workflow_run(p["Name"], p["RunId"])
    return {}


@operation("ResumeWorkflowRun")
def _resume_workflow_run(rt: LocalRuntime, p: JSON) -> JSON:
    run_id, node_ids = rt.engine.resume_workflow_run(p["Name"], p["RunId"], p["NodeIds"])
    return {"RunId": run_id, "NodeIds": node_ids}


@operation("GetWorkflowRunProperties")
def _get_run_properties(rt: LocalRuntime, p: JSON) -> JSON:
    run = rt.engine.workflow_run(p["Name"], p["RunId"])
    return {"RunProperties": dict(run.properties)}


@operation("PutWorkflowRunProperties")
def _put_run_properties(rt: LocalRuntime, p: JSON) -> JSON:
    rt.engine.put_run_properties(p["Name"], p["RunId"], p["RunProperties"])
    return {}


@operation("GetWorkflow")
def _get_workflow(rt: LocalRuntime, p: JSON) -> JSON:
    workflow = public(rt._definition("workflow", p["Name"], "Workflow"))
    runs = rt.store.workflow_runs(p["Name"])
    if runs:
        workflow["LastRun"] = shapes.workflow_run_shape(rt.store, runs[0], False)
    if p.get("IncludeGraph"):
        triggers = [t for t in rt.store.definitions("trigger") if t.get("WorkflowName") == p["Name"]]
        workflow["Graph"] = shapes.graph_shape(triggers)
    return {"Workflow": workflow}


@operation("ListWorkflows")
def _list_workflows(rt: LocalRuntime, p: JSON) -> JSON:
    return shapes.paged("Workflows", [w["Name"] for w in rt.store.definitions("workflow")], p, 25)


# --- jobs -----------------------------------------------------------------------------------------------


def _argument_guard(rt: LocalRuntime) -> ArgumentGuard:
    """The boundary for caller-supplied arguments: code may come only from the project's job library and the
    deployed scripts (what the definitions name), data only from inside the state dir."""
    allowed: list[Path] = []
    for job in rt.store.definitions("job"):
        entries = [job["Command"]["ScriptLocation"]]
        entries += [v for k, v in job.get("DefaultArguments", {}).items() if k in CODE_ARGUMENTS]
        allowed += [Path(rt.s3.local_path(e.strip())) for value in entries for e in value.split(",") if e.strip()]
    code_roots = [rt._root / "glue_jobs", rt._build_dir / "glue_jobs"]
    return ArgumentGuard(rt.state_dir, code_roots, allowed)


@operation("StartJobRun")
def _start_job_run(rt: LocalRuntime, p: JSON) -> JSON:
    job = rt.store.definition("job", p["JobName"])
    if job is not None and p.get("Arguments"):
        _argument_guard(rt).check(p["Arguments"], job.get("DefaultArguments", {}))
    return {"JobRunId": rt.engine.start_job_run(p["JobName"], p.get("Arguments") or {}, p.get("Timeout"))}


@operation("GetJobRun")
def _get_job_run(rt: LocalRuntime, p: JSON) -> JSON:
    rt._definition("job", p["JobName"], "Job")
    run = rt.store.job_run(p["RunId"])
    if run is None or run["JobName"] != p["JobName"]:
        raise errors.not_found(f"Job run not found: {p['JobName']}/{p['RunId']}")
    shape = shapes.job_run_shape(run)
    if p.get("PredecessorsIncluded"):  # what the Glue console asks for: the job runs whose end started this one
        shape["PredecessorRuns"] = _predecessor_runs(rt, run)
    return {"JobRun": shape}


def _predecessor_runs(rt: LocalRuntime, run: JSON) -> list[JSON]:
    """The last attempt of each job a conditional trigger watched before starting `run`, in the same workflow run."""
    trigger = rt.store.definition("trigger", run.get("TriggerName") or "") if run.get("TriggerName") else None
    workflow_run = JobRunRecord.from_body(run).workflow_run_id
    if trigger is None or workflow_run is None:
        return []
    watched = [c["JobName"] for c in (trigger.get("Predicate") or {}).get("Conditions", []) if c.get("JobName")]
    siblings = rt.store.job_runs_of_workflow_run(workflow_run)
    found = []
    for job in watched:
        attempts = [r for r in siblings if r["JobName"] == job and r.get("StartedOn", 0) <= run["StartedOn"]]
        if attempts:
            last = max(attempts, key=lambda r: (r.get("Attempt", 0), r.get("StartedOn", 0)))
            found.append({"JobName": job, "RunId": last["Id"]})
    return found


@operation("GetJobRuns")
def _get_job_runs(rt: LocalRuntime, p: JSON) -> JSON:
    rt._definition("job", p["JobName"], "Job")
    return shapes.paged("JobRuns", rt.store.job_runs(p["JobName"]), p, shape=shapes.job_run_shape)


@operation("GetJob")
def _get_job(rt: LocalRuntime, p: JSON) -> JSON:
    return {"Job": public(rt._definition("job", p["JobName"], "Job"))}


@operation("GetJobs")
def _get_jobs(rt: LocalRuntime, p: JSON) -> JSON:
    return shapes.paged("Jobs", rt.store.definitions("job"), p, shape=public)


@operation("GetJobBookmark")
def _get_job_bookmark(rt: LocalRuntime, p: JSON) -> JSON:
    rt._definition("job", p["JobName"], "Job")
    entry = rt.store.bookmark(p["JobName"])
    if entry is None:
        raise errors.not_found(f"Continuation for job {p['JobName']} not found")
    return {"JobBookmarkEntry": entry}


@operation("ResetJobBookmark")
def _reset_job_bookmark(rt: LocalRuntime, p: JSON) -> JSON:
    """Forget the committed bookmark (target data is never touched)."""
    rt._definition("job", p["JobName"], "Job")
    entry = rt.store.bookmark(p["JobName"]) or {"JobName": p["JobName"], "Version": 0, "Run": 0, "Attempt": 0}
    rt.store.delete_bookmark(p["JobName"])
    reset = {**entry, "JobBookmark": ""}
    return {"JobBookmarkEntry": reset}


# --- crawlers -------------------------------------------------------------------------------------------


@operation("StartCrawler")
def _start_crawler(rt: LocalRuntime, p: JSON) -> JSON:
    rt.engine.start_crawler(p["Name"])
    return {}


@operation("GetCrawler")
def _get_crawler(rt: LocalRuntime, p: JSON) -> JSON:
    crawler = rt.store.definition("crawler", p["Name"])
    if crawler is None:
        raise errors.not_found(f"Crawler entry with name {p['Name']} does not exist")
    return {"Crawler": shapes.crawler_shape(rt.store, crawler)}


@operation("GetCrawlers")
def _get_crawlers(rt: LocalRuntime, p: JSON) -> JSON:
    return shapes.paged(
        "Crawlers", rt.store.definitions("crawler"), p, shape=lambda c: shapes.crawler_shape(rt.store, c)
    )


@operation("ListCrawls")
def _list_crawls(rt: LocalRuntime, p: JSON) -> JSON:
    if rt.store.definition("crawler", p["CrawlerName"]) is None:
        raise errors.not_found(f"Crawler entry with name {p['CrawlerName']} does not exist")
    crawls = [shapes.crawler_history_shape(c) for c in rt.store.crawls(p["CrawlerName"])]
    for item in p.get("Filters", []):
        crawls = [c for c in crawls if _matches_filter(c, item)]
    return shapes.paged("Crawls", crawls, p, 20)


_FILTER_FIELDS = {
    "CRAWL_ID": "CrawlId",
    "STATE": "State",
    "START_TIME": "StartTime",
    "END_TIME": "EndTime",
    "DPU_HOUR": "DPUHour",
}


def _matches_filter(crawl: JSON, item: JSON) -> bool:
    value = crawl.get(_FILTER_FIELDS[item.get("FieldName", "STATE")])
    wanted: Any = item.get("FieldValue", "")
    if isinstance(value, float):
        try:
            wanted = float(wanted)
        except ValueError:
            raise errors.invalid_input(f"FieldValue {str(wanted)[:50]!r} is not a number") from None
    comparisons = {
        "EQ": lambda a, b: a == b,
        "NE": lambda a, b: a != b,
        "GT": lambda a, b: a > b,
        "GE": lambda a, b: a >= b,
        "LT": lambda a, b: a < b,
        "LE": lambda a, b: a <= b,
    }
    return value is not None and comparisons[item.get("FilterOperator", "EQ")](value, wanted)


@operation("GetCrawlerMetrics")
def _get_crawler_metrics(rt: LocalRuntime, p: JSON) -> JSON:
    names = p.get("CrawlerNameList") or [c["Name"] for c in rt.store.definitions("crawler")]
    metrics = [shapes.crawler_metrics(rt.store, n) for n in names if rt.store.definition("crawler", n)]
    return shapes.paged("CrawlerMetricsList", metrics, p)


# --- triggers -------------------------------------------------------------------------------------------


@operation("GetTrigger")
def _get_trigger(rt: LocalRuntime, p: JSON) -> JSON:
    return {"Trigger": public(rt._definition("trigger", p["Name"], "Trigger"))}


@operation("GetTriggers")
def _get_triggers(rt: LocalRuntime, p: JSON) -> JSON:
    triggers = rt.store.definitions("trigger")
    if p.get("DependentJobName"):
        job = p["DependentJobName"]
        triggers = [t for t in triggers if any(a.get("JobName") == job for a in t.get("Actions", []))]
    return shapes.paged("Triggers", triggers, p, shape=public)


@operation("StartTrigger")
def _start_trigger(rt: LocalRuntime, p: JSON) -> JSON:
    """ON_DEMAND: starts a run of its workflow. SCHEDULED/CONDITIONAL/EVENT: activates it."""
    trigger = rt._definition("trigger", p["Name"], "Trigger")
    if trigger["Type"] == TriggerType.ON_DEMAND:
        if trigger.get("WorkflowName"):
            rt.engine.start_workflow_run(trigger["WorkflowName"])
    else:
        rt.store.put_definition("trigger", trigger["Name"], {**trigger, "State": TriggerState.ACTIVATED})
    return {"Name": trigger["Name"]}


@operation("StopTrigger")
def _stop_trigger(rt: LocalRuntime, p: JSON) -> JSON:
    trigger = rt._definition("trigger", p["Name"], "Trigger")
    if trigger["Type"] == TriggerType.ON_DEMAND:
        raise errors.invalid_input(f"Trigger {p['Name']} is ON_DEMAND and cannot be stopped")
    rt.store.put_definition("trigger", trigger["Name"], {**trigger, "State": TriggerState.DEACTIVATED})
    return {"Name": trigger["Name"]}


# --- catalog --------------------------------------------------------------------------------------------


@operation("GetDatabase")
def _get_database(rt: LocalRuntime, p: JSON) -> JSON:
    database = rt.store.database(p["Name"])
    if database is None:
        raise errors.not_found(f"Database {p['Name']} not found.")
    return {"Database": database}


@operation("GetDatabases")
def _get_databases(rt: LocalRuntime, p: JSON) -> JSON:
    return shapes.paged("DatabaseList", rt.store.databases(), p)


def _database(rt: LocalRuntime, name: str) -> None:
    if rt.store.database(name) is None:
        raise errors.not_found(f"Database {name} not found.")


@operation("GetTable")
def _get_table(rt: LocalRuntime, p: JSON) -> JSON:
    _database(rt, p["DatabaseName"])
    table = rt.store.table(p["DatabaseName"], p["Name"])
    if table is None:
        raise errors.not_found(f"Table {p['Name']} not found.")
    return {"Table": table}


@operation("GetTables")
def _get_tables(rt: LocalRuntime, p: JSON) -> JSON:
    _database(rt, p["DatabaseName"])
    tables = rt.store.tables(p["DatabaseName"])
    if p.get("Expression"):
        expression = p["Expression"]
        try:
            pattern = re.compile(
                expression.replace("*", ".*") if "*" in expression and ".*" not in expression else expression
            )
        except re.error as exc:
            raise errors.invalid_input(f"Expression is not a valid regular expression: {exc}") from None
        tables = [t for t in tables if pattern.fullmatch(t["Name"])]
    return shapes.paged("TableList", tables, p)


def _table(rt: LocalRuntime, database: str, name: str) -> JSON:
    _database(rt, database)
    table = rt.store.table(database, name)
    if table is None:
        raise errors.not_found(f"Table {name} not found.")
    return table


@operation("GetPartitions")
def _get_partitions(rt: LocalRuntime, p: JSON) -> JSON:
    table = _table(rt, p["DatabaseName"], p["TableName"])
    partitions = rt.store.partitions(p["DatabaseName"], p["TableName"])
    if p.get("Expression"):
        matches = compile_expression(p["Expression"], table.get("PartitionKeys", []))
        partitions = [part for part in partitions if matches(part["Values"])]
    if p.get("Segment"):  # Glue splits the partitions into TotalSegments disjoint parts
        segment = p["Segment"]
        partitions = partitions[segment["SegmentNumber"] :: segment["TotalSegments"]]
    return shapes.paged("Partitions", partitions, p)


@operation("GetPartition")
def _get_partition(rt: LocalRuntime, p: JSON) -> JSON:
    _table(rt, p["DatabaseName"], p["TableName"])
    for partition in rt.store.partitions(p["DatabaseName"], p["TableName"]):
        if partition["Values"] == p["PartitionValues"]:
            return {"Partition": partition}
    raise errors.not_found("Cannot find partition.")


@operation("BatchGetPartition")
def _batch_get_partition(rt: LocalRuntime, p: JSON) -> JSON:
    """Found partitions in Partitions; values no partition has are not errors (Glue leaves them out)."""
    _table(rt, p["DatabaseName"], p["TableName"])
    by_values = {tuple(part["Values"]): part for part in rt.store.partitions(p["DatabaseName"], p["TableName"])}
    wanted = [tuple(item["Values"]) for item in p["PartitionsToGet"]]
    return {"Partitions": [by_values[v] for v in wanted if v in by_values], "UnprocessedKeys": []}


# The read-only lookups (List*, BatchGet*, GetTags, GetTableVersions, SearchTables) and the catalog writes jobs
# make (catalog_api: CreateTable, UpdateTable, BatchCreatePartition) register themselves here.
from glueflow.local import catalog_api, lookups  # noqa: E402, F401
