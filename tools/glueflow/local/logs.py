"""Find the log files of a node's runs in the local store (for `glueflow logs`).

Job run logs are `<LogGroupName>/<JobRunId>.log` and crawl logs `<LogGroup>/<LogStream>`, mirroring the
CloudWatch group/stream layout Glue uses, so the API's fields locate the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from glueflow.errors import GlueflowError
from glueflow.local.engine.records import JobRunRecord
from glueflow.local.store import Store
from glueflow.spec.deployment import Deployment


@dataclass(frozen=True)
class NodeLog:
    node: str  # physical name
    node_run_id: str  # job run id or crawl id
    attempt: int
    state: str
    workflow_run_id: str | None
    path: Path


def _resolve_node(deployment: Deployment, node: str) -> tuple[str, str]:
    """(kind, physical name) of a job or crawler given by logical name, `pipeline.logical` (as the candidates
    are listed), or physical name."""
    matches: list[tuple[str, str, str]] = []
    known = []
    for key, pipeline in deployment.tfvars.pipelines.items():
        for kind, items in (("JOB", pipeline.jobs), ("CRAWLER", pipeline.crawlers)):
            for logical, item in items.items():
                known.append(f"{key}.{logical}")
                if node in (logical, f"{key}.{logical}", item.name):
                    matches.append((kind, item.name, f"{key}.{logical}"))
    if len(matches) == 1:
        return matches[0][:2]
    if not matches:
        raise GlueflowError(f"no job or crawler named '{node}'", hint=f"nodes: {', '.join(sorted(known)) or 'none'}")
    raise GlueflowError(
        f"'{node}' names a node in several pipelines",
        hint=f"name one as <pipeline>.<node>: {', '.join(sorted(m[2] for m in matches))}",
    )


def node_logs(deployment: Deployment, node: str, run_id: str | None = None) -> list[NodeLog]:
    """The logs of `node` in workflow run `run_id` (or of that one job run / crawl); by default in its latest
    workflow run, or its latest run outside any workflow if it never ran in one. Oldest attempt first."""
    if not (deployment.state_dir / "glueflow.sqlite").is_file():
        raise GlueflowError(
            f"env '{deployment.env.name}' has no local state at {deployment.state_dir}",
            hint="run a pipeline first: glueflow run --env local",
        )
    kind, name = _resolve_node(deployment, node)
    store = Store(deployment.state_dir, claim=False)
    try:
        runs = (
            [_job_log(r) for r in store.job_runs(name)]
            if kind == "JOB"
            else [_crawl_log(c) for c in store.crawls(name)]
        )
        if run_id is None:
            latest = next((r.workflow_run_id for r in runs if r.workflow_run_id), None)
            chosen = [r for r in runs if r.workflow_run_id == latest] if latest else runs[:1]
        else:
            chosen = [r for r in runs if run_id in (r.workflow_run_id, r.node_run_id)]
            if not chosen:
                places = sorted({r.workflow_run_id or r.node_run_id for r in runs})
                raise GlueflowError(f"{name} has no run in '{run_id}'", hint=f"its runs: {', '.join(places) or 'none'}")
        if not chosen:
            raise GlueflowError(f"{name} has not run yet", hint=f"start it: glueflow run --env {deployment.env.name}")
        return sorted(chosen, key=lambda r: r.attempt) if kind == "JOB" else chosen[:1]
    finally:
        store.close()


def _job_log(run: dict) -> NodeLog:
    return NodeLog(
        node=run["JobName"],
        node_run_id=run["Id"],
        attempt=run.get("Attempt", 0),
        state=run["JobRunState"],
        workflow_run_id=JobRunRecord.from_body(run).workflow_run_id,
        path=Path(run.get("LogGroupName", ".")) / f"{run['Id']}.log",
    )


def _crawl_log(crawl: dict) -> NodeLog:
    return NodeLog(
        node=crawl["CrawlerName"],
        node_run_id=crawl["CrawlId"],
        attempt=0,
        state=crawl["State"],
        workflow_run_id=crawl.get("WorkflowRunId"),
        path=Path(crawl["LogGroup"]) / crawl["LogStream"],
    )
