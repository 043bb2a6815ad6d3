"""Resolved pipelines (TfVars) → Glue's definition shapes (Workflow, Job, Crawler, Trigger); their graph is
`glueflow.dag.WorkflowGraph.from_triggers`.

Private bookkeeping keys start with `_` and are stripped before a shape leaves the API.
"""

from __future__ import annotations

import time
from typing import Any

from glueflow.dag import node_id
from glueflow.glue import (
    EVENT_BATCH_SIZE,
    EVENT_BATCH_WINDOW_SECONDS,
    CrawlerState,
    TriggerState,
    TriggerType,
)
from glueflow.spec.resolved import Classifier, Environment, Pipeline, Trigger

JSON = dict[str, Any]


def public(shape: JSON) -> JSON:
    return {k: v for k, v in shape.items() if not k.startswith("_")}


def _role(environment: Environment) -> str:
    return f"arn:aws:iam::{environment.account_id}:role/{environment.name_prefix}-{environment.name}-glue"


def workflow_shape(pipeline_key: str, pipeline: Pipeline, now: float) -> JSON:
    shape: JSON = {
        "Name": pipeline.workflow_name,
        "Description": pipeline.description,
        "DefaultRunProperties": dict(pipeline.default_run_properties),
        "CreatedOn": now,
        "LastModifiedOn": now,
        "_pipeline": pipeline_key,
    }
    if pipeline.max_concurrent_runs is not None:
        shape["MaxConcurrentRuns"] = pipeline.max_concurrent_runs
    return shape


def job_shapes(pipeline_key: str, pipeline: Pipeline, environment: Environment, now: float) -> dict[str, JSON]:
    shapes = {}
    for job in pipeline.jobs.values():
        shape: JSON = {
            "Name": job.name,
            "Description": job.description,
            "Role": _role(environment),
            "CreatedOn": now,
            "LastModifiedOn": now,
            "ExecutionProperty": {"MaxConcurrentRuns": job.max_concurrent_runs},
            "Command": {
                "Name": job.type,
                "ScriptLocation": f"s3://{environment.buckets.scripts}/{job.script_s3_key}",
                "PythonVersion": job.python_version,
            },
            "DefaultArguments": dict(job.default_arguments),
            "NonOverridableArguments": dict(job.non_overridable_arguments),
            "MaxRetries": job.max_retries,
            "Timeout": job.timeout_minutes,
            "GlueVersion": job.glue_version,
            "_pipeline": pipeline_key,
            "_workflow": pipeline.workflow_name,
            "_script_path": job.script_path,
        }
        if job.worker_type:
            shape.update(WorkerType=job.worker_type, NumberOfWorkers=job.number_of_workers)
        if job.max_capacity is not None:
            shape["MaxCapacity"] = job.max_capacity
        if job.connections:  # reported as Glue does; the runtime opens none (see the local README)
            shape["Connections"] = {"Connections": list(job.connections)}
        shapes[job.name] = shape
    return shapes


def crawler_shapes(pipeline_key: str, pipeline: Pipeline, environment: Environment, now: float) -> dict[str, JSON]:
    return {
        crawler.name: {
            "Name": crawler.name,
            "Role": _role(environment),
            "Targets": {"S3Targets": [{"Path": t.path, "Exclusions": list(t.exclusions)} for t in crawler.s3_targets]},
            "DatabaseName": crawler.database_name,
            "Description": crawler.description,
            "Classifiers": [pipeline.classifiers[key].name for key in crawler.classifiers],
            "RecrawlPolicy": {"RecrawlBehavior": crawler.recrawl_behavior},
            "SchemaChangePolicy": {
                "UpdateBehavior": crawler.update_behavior,
                "DeleteBehavior": crawler.delete_behavior,
            },
            "State": CrawlerState.READY,
            "TablePrefix": crawler.table_prefix,
            "CrawlElapsedTime": 0,
            "CreationTime": now,
            "LastUpdated": now,
            "Version": 1,
            "_pipeline": pipeline_key,
            "_classifiers": [classifier_shape(pipeline.classifiers[key], now) for key in crawler.classifiers],
        }
        for crawler in pipeline.crawlers.values()
    }


def classifier_shape(classifier: Classifier, now: float) -> JSON:
    """Glue's `Classifier` (GetClassifier) for a resolved custom classifier."""
    common = {"Name": classifier.name, "CreationTime": now, "LastUpdated": now, "Version": 1}
    if classifier.json_classifier is not None:
        return {"JsonClassifier": {**common, "JsonPath": classifier.json_classifier.json_path}}
    csv = classifier.csv_classifier
    assert csv is not None
    shape = {
        **common,
        "Delimiter": csv.delimiter,
        "QuoteSymbol": csv.quote_symbol,
        "ContainsHeader": csv.contains_header,
        "DisableValueTrimming": csv.disable_value_trimming,
        "AllowSingleColumn": csv.allow_single_column,
    }
    return {"CsvClassifier": shape | ({"Header": list(csv.header)} if csv.header else {})}


def _trigger_state(trigger: Trigger) -> str:
    if trigger.type == TriggerType.ON_DEMAND:
        return TriggerState.CREATED
    return TriggerState.ACTIVATED if trigger.enabled else TriggerState.DEACTIVATED


def trigger_shapes(pipeline_key: str, pipeline: Pipeline) -> dict[str, JSON]:
    shapes = {}
    for trigger in pipeline.triggers.values():
        actions = []
        for action in trigger.actions:
            if action.job_name:
                item: JSON = {"JobName": action.job_name, "Arguments": dict(action.arguments)}
                if action.timeout_minutes:
                    item["Timeout"] = action.timeout_minutes
            else:
                item = {"CrawlerName": action.crawler_name}
            actions.append(item)
        shape: JSON = {
            "Name": trigger.name,
            "WorkflowName": pipeline.workflow_name,
            "Id": node_id("TRIGGER", trigger.name),
            "Type": trigger.type,
            "State": _trigger_state(trigger),
            "Description": trigger.description,
            "Actions": actions,
            "_pipeline": pipeline_key,
        }
        if trigger.schedule:
            shape["Schedule"] = trigger.schedule
        if trigger.type == TriggerType.CONDITIONAL:
            conditions = []
            for condition in trigger.conditions:
                if condition.job_name:
                    conditions.append(
                        {"LogicalOperator": "EQUALS", "JobName": condition.job_name, "State": condition.state}
                    )
                else:
                    conditions.append(
                        {
                            "LogicalOperator": "EQUALS",
                            "CrawlerName": condition.crawler_name,
                            "CrawlState": condition.state,
                        }
                    )
            shape["Predicate"] = {"Logical": trigger.logical or "AND", "Conditions": conditions}
        if trigger.type == TriggerType.EVENT:
            shape["EventBatchingCondition"] = {
                "BatchSize": trigger.batch_size or EVENT_BATCH_SIZE.default,
                "BatchWindow": trigger.batch_window_seconds or EVENT_BATCH_WINDOW_SECONDS.default,
            }
        shapes[trigger.name] = shape
    return shapes


def pipeline_definitions(pipeline_key: str, pipeline: Pipeline, environment: Environment) -> dict[str, dict[str, JSON]]:
    now = time.time()
    definitions = {
        "workflow": {pipeline.workflow_name: workflow_shape(pipeline_key, pipeline, now)},
        "job": job_shapes(pipeline_key, pipeline, environment, now),
        "crawler": crawler_shapes(pipeline_key, pipeline, environment, now),
        "trigger": trigger_shapes(pipeline_key, pipeline),
    }
    for kind, shapes in definitions.items():
        for shape in shapes.values():
            shape["_tags"] = resource_tags(environment, None if kind == "job" else pipeline_key)
    return definitions


def resource_tags(environment: Environment, pipeline_key: str | None) -> dict[str, str]:
    """The tags Terraform puts on the AWS resource (terraform/main.tf and the provider's default_tags): the env's,
    the deployment's and, on a pipeline's workflow, crawlers and triggers, the pipeline's (GetTags, List* Tags)."""
    tags = {
        **environment.tags,
        "glueflow:managed-by": "glueflow-local",
        "glueflow:deployment": f"{environment.name_prefix}-{environment.name}",
    }
    if pipeline_key is not None:
        tags["glueflow:pipeline"] = pipeline_key
    return tags


# Set once, when a definition is first created; re-provisioning an unchanged definition keeps its LastModifiedOn.
_CREATED = ("CreatedOn", "CreationTime")
_MODIFIED = ("LastModifiedOn", "LastUpdated")


def keep_history(new: JSON, existing: JSON | None) -> JSON:
    """`new` with the creation time of `existing`, and its modification time too when nothing else changed — so a
    workflow is never created after its last run started just because `deploy` ran again."""
    if existing is None:
        return new
    kept = {**new, **{k: existing[k] for k in _CREATED if k in existing and k in new}}
    volatile = (*_CREATED, *_MODIFIED, "State")  # a crawler's or trigger's State moves on its own

    def lasting(shape: JSON) -> JSON:
        return {k: v for k, v in shape.items() if k not in volatile}

    if lasting(kept) == lasting(existing):
        kept.update({k: existing[k] for k in _MODIFIED if k in existing and k in new})
    return kept
