"""The offline plan held against what the local runtime runs: the same env, the same tfvars, the same values.

The local runtime builds its Glue definitions (glueflow.local.definitions) from the resolved tfvars; Terraform
computes the aws_glue_* arguments from the same tfvars through modules/glue_job, glue_crawler and glue_workflow
(whose trigger logic lives in workflow_graph). Comparing the planned values with the runtime's definitions, field by
field, proves the HCL deploys the workflow the runtime executed; a mismatch names the resource and the field.
Values Terraform only knows after apply (role ARNs of resources it creates) are skipped, never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glueflow.glue import TriggerState, TriggerType
from glueflow.iac.findings import Finding
from glueflow.local.definitions import pipeline_definitions
from glueflow.spec.resolved import TfVars

JSON = dict[str, Any]
_UNKNOWN = object()


@dataclass(frozen=True)
class Field:
    """One compared field: where it sits in the planned resource and how to read it from the runtime's shape."""

    name: str  # the Terraform argument path shown in findings, e.g. command.script_location
    planned: Callable[[JSON], Any]
    runtime: Callable[[JSON], Any]


def _first(block: Any) -> JSON:
    return block[0] if isinstance(block, list) and block else {}


def _get(value: Any, *path: str | int) -> Any:
    for step in path:
        if value is _UNKNOWN:
            return _UNKNOWN
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and len(value) > step else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def _conditions(planned: JSON) -> list[JSON]:
    items = []
    for c in _first(planned.get("predicate")).get("conditions") or []:
        state = c.get("state") or c.get("crawl_state")
        items.append(
            {
                "job": c.get("job_name"),
                "crawler": c.get("crawler_name"),
                "state": state,
                "operator": c.get("logical_operator") or "EQUALS",
            }
        )
    return _sorted(items)


def _runtime_conditions(shape: JSON) -> list[JSON]:
    items = []
    for c in (shape.get("Predicate") or {}).get("Conditions", []):
        items.append(
            {
                "job": c.get("JobName"),
                "crawler": c.get("CrawlerName"),
                "state": c.get("State") or c.get("CrawlState"),
                "operator": c.get("LogicalOperator"),
            }
        )
    return _sorted(items)


def _actions(planned: JSON) -> list[JSON]:
    return _sorted(
        [
            {
                "job": a.get("job_name"),
                "crawler": a.get("crawler_name"),
                "arguments": a.get("arguments") or {},
                "timeout": a.get("timeout"),
            }
            for a in planned.get("actions") or []
        ]
    )


def _runtime_actions(shape: JSON) -> list[JSON]:
    return _sorted(
        [
            {
                "job": a.get("JobName"),
                "crawler": a.get("CrawlerName"),
                "arguments": a.get("Arguments") or {},
                "timeout": a.get("Timeout"),
            }
            for a in shape.get("Actions", [])
        ]
    )


def _sorted(items: list[JSON]) -> list[JSON]:
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))


def _trigger_state(planned: JSON) -> str:
    if planned.get("type") == TriggerType.ON_DEMAND:
        return TriggerState.CREATED
    return TriggerState.DEACTIVATED if planned.get("enabled") is False else TriggerState.ACTIVATED


FIELDS: dict[str, tuple[str, tuple[Field, ...]]] = {
    "aws_glue_workflow": (
        "workflow",
        (
            Field("description", lambda p: p.get("description"), lambda r: r.get("Description")),
            Field(
                "default_run_properties",
                lambda p: p.get("default_run_properties") or {},
                lambda r: r.get("DefaultRunProperties") or {},
            ),
            Field("max_concurrent_runs", lambda p: p.get("max_concurrent_runs"), lambda r: r.get("MaxConcurrentRuns")),
        ),
    ),
    "aws_glue_job": (
        "job",
        (
            Field("command.name", lambda p: _get(p, "command", 0, "name"), lambda r: _get(r, "Command", "Name")),
            Field(
                "command.script_location",
                lambda p: _get(p, "command", 0, "script_location"),
                lambda r: _get(r, "Command", "ScriptLocation"),
            ),
            Field(
                "command.python_version",
                lambda p: _get(p, "command", 0, "python_version"),
                lambda r: _get(r, "Command", "PythonVersion"),
            ),
            Field(
                "default_arguments",
                lambda p: p.get("default_arguments") or {},
                lambda r: r.get("DefaultArguments") or {},
            ),
            Field(
                "non_overridable_arguments",
                lambda p: p.get("non_overridable_arguments") or {},
                lambda r: r.get("NonOverridableArguments") or {},
            ),
            Field("glue_version", lambda p: p.get("glue_version"), lambda r: r.get("GlueVersion")),
            Field("worker_type", lambda p: p.get("worker_type"), lambda r: r.get("WorkerType")),
            Field("number_of_workers", lambda p: p.get("number_of_workers"), lambda r: r.get("NumberOfWorkers")),
            Field("max_capacity", lambda p: p.get("max_capacity"), lambda r: r.get("MaxCapacity")),
            Field("max_retries", lambda p: p.get("max_retries"), lambda r: r.get("MaxRetries")),
            Field("timeout", lambda p: p.get("timeout"), lambda r: r.get("Timeout")),
            Field(
                "execution_property.max_concurrent_runs",
                lambda p: _get(p, "execution_property", 0, "max_concurrent_runs"),
                lambda r: _get(r, "ExecutionProperty", "MaxConcurrentRuns"),
            ),
            Field(
                "connections",
                lambda p: sorted(p.get("connections") or []),
                lambda r: sorted(_get(r, "Connections", "Connections") or []),
            ),
        ),
    ),
    "aws_glue_crawler": (
        "crawler",
        (
            Field("database_name", lambda p: p.get("database_name"), lambda r: r.get("DatabaseName")),
            Field("table_prefix", lambda p: p.get("table_prefix") or "", lambda r: r.get("TablePrefix") or ""),
            # In order: Glue tries a crawler's custom classifiers in the order it lists them.
            Field(
                "classifiers", lambda p: list(p.get("classifiers") or []), lambda r: list(r.get("Classifiers") or [])
            ),
            Field(
                "s3_target",
                lambda p: _sorted(
                    [{"path": t.get("path"), "exclusions": t.get("exclusions") or []} for t in p.get("s3_target") or []]
                ),
                lambda r: _sorted(
                    [{"path": t["Path"], "exclusions": t.get("Exclusions") or []} for t in r["Targets"]["S3Targets"]]
                ),
            ),
            Field(
                "recrawl_policy.recrawl_behavior",
                lambda p: _get(p, "recrawl_policy", 0, "recrawl_behavior"),
                lambda r: _get(r, "RecrawlPolicy", "RecrawlBehavior"),
            ),
            Field(
                "schema_change_policy.update_behavior",
                lambda p: _get(p, "schema_change_policy", 0, "update_behavior"),
                lambda r: _get(r, "SchemaChangePolicy", "UpdateBehavior"),
            ),
            Field(
                "schema_change_policy.delete_behavior",
                lambda p: _get(p, "schema_change_policy", 0, "delete_behavior"),
                lambda r: _get(r, "SchemaChangePolicy", "DeleteBehavior"),
            ),
        ),
    ),
    "aws_glue_trigger": (
        "trigger",
        (
            Field("type", lambda p: p.get("type"), lambda r: r.get("Type")),
            Field("workflow_name", lambda p: p.get("workflow_name"), lambda r: r.get("WorkflowName")),
            Field("schedule", lambda p: p.get("schedule"), lambda r: r.get("Schedule")),
            Field("enabled", _trigger_state, lambda r: r.get("State")),
            Field(
                "predicate.logical",
                lambda p: _get(p, "predicate", 0, "logical"),
                lambda r: _get(r, "Predicate", "Logical"),
            ),
            Field("predicate.conditions", _conditions, _runtime_conditions),
            Field("actions", _actions, _runtime_actions),
            Field(
                "event_batching_condition",
                lambda p: _batching(_first(p.get("event_batching_condition"))),
                lambda r: _batching(r.get("EventBatchingCondition")),
            ),
        ),
    ),
}


def _batching(value: JSON | None) -> JSON | None:
    if not value:
        return None
    size = value.get("batch_size", value.get("BatchSize"))
    window = value.get("batch_window", value.get("BatchWindow"))
    return {"batch_size": size, "batch_window": window}


@dataclass
class Comparison:
    env: str
    compared: int = 0  # resources
    fields: int = 0
    findings: list[Finding] | None = None


def planned_resources(plan_json: JSON) -> dict[tuple[str, str], tuple[str, JSON, JSON]]:
    """(type, name argument) -> (address, planned values, after_unknown) of every aws_glue_* resource created."""
    found = {}
    for change in plan_json.get("resource_changes") or []:
        if change.get("mode") != "managed" or change["type"] not in FIELDS:
            continue
        after = change["change"].get("after") or {}
        unknown = change["change"].get("after_unknown") or {}
        if isinstance(after.get("name"), str):
            found[(change["type"], after["name"])] = (change["address"], after, unknown)
    return found


def _is_unknown(unknown: Any) -> bool:
    """after_unknown mirrors the value: True where any part of it is unknown until apply."""
    if unknown is True:
        return True
    if isinstance(unknown, dict):
        return any(_is_unknown(v) for v in unknown.values())
    if isinstance(unknown, list):
        return any(_is_unknown(v) for v in unknown)
    return False


def compare(env: str, plan_json: JSON, tfvars: TfVars, plan_label: str, root: Path | None = None) -> Comparison:
    """Every aws_glue_{workflow,job,crawler,trigger} the runtime defines, against the plan's values for it (and
    every one the plan creates that the runtime does not define). With `root`, findings point at the `resource`
    block that plans the value."""
    result = Comparison(env, findings=[])
    assert result.findings is not None
    planned = planned_resources(plan_json)
    defined: set[tuple[str, str]] = set()
    for key, pipeline in tfvars.pipelines.items():
        definitions = pipeline_definitions(key, pipeline, tfvars.environment)
        for type_name, (kind, fields) in FIELDS.items():
            for name, shape in definitions[kind].items():
                defined.add((type_name, name))
                subject = f'{type_name} "{name}" ({plan_label})'
                entry = planned.get((type_name, name))
                if entry is None:
                    result.findings.append(
                        Finding(
                            plan_label,
                            0,
                            subject,
                            f"the local runtime defines {kind} {name!r} (pipeline {key}) but the plan creates no "
                            f"{type_name} with that name",
                            "plan-vs-runtime",
                        )
                    )
                    continue
                address, after, unknown = entry
                result.compared += 1
                for item in fields:
                    if _is_unknown(_unknown_at(unknown, item.name)):
                        continue
                    want, got = item.runtime(shape), item.planned(after)
                    result.fields += 1
                    if _normal(want) != _normal(got):
                        result.findings.append(
                            Finding(
                                plan_label,
                                0,
                                f"{address} ({env})",
                                f"{item.name}: the plan has {_show(got)}, the local runtime runs {_show(want)}",
                                "plan-vs-runtime",
                            )
                        )
    for type_name, name in sorted(set(planned) - defined):
        address = planned[(type_name, name)][0]
        message = f"the plan creates {type_name} {name!r}, which the local runtime does not define"
        result.findings.append(Finding(plan_label, 0, f"{address} ({env})", message, "plan-vs-runtime"))
    if root is not None:
        result.findings = [locate(root, finding) for finding in result.findings]
    return result


_ADDRESS_STEP = re.compile(r"module\.(\w+)(?:\[[^\]]*\])?\.")


def locate(root: Path, finding: Finding) -> Finding:
    """The finding at the `resource` block that plans the value (the module path resolved through the HCL)."""
    address = finding.subject.split(" ")[0]
    directory = root / "terraform"
    for module in _ADDRESS_STEP.findall(address):
        text = "".join(p.read_text() for p in sorted(directory.glob("*.tf")))
        match = re.search(rf'module\s+"{module}"\s*{{[^}}]*?source\s*=\s*"([^"]+)"', text, re.DOTALL)
        if not match:
            return finding
        directory = (directory / match.group(1)).resolve()
    parts = address.split(".")
    if len(parts) < 2:
        return finding
    type_name, name = parts[-2], parts[-1].split("[")[0]
    for path in sorted(directory.glob("*.tf")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.match(rf'\s*resource\s+"{type_name}"\s+"{name}"', line):
                relative = path.resolve().relative_to(root.resolve()).as_posix()
                return Finding(relative, number, finding.subject, finding.message, finding.check)
    return finding


def _unknown_at(unknown: JSON, dotted: str) -> Any:
    value: Any = unknown
    for step in dotted.split("."):
        if isinstance(value, list):
            value = value[0] if value else None
        value = value.get(step) if isinstance(value, dict) else None
    return value


def _normal(value: Any) -> Any:
    """null, "" and {} / [] mean "not set" on both sides (Glue omits unset fields; HCL passes null)."""
    if value in (None, "", {}, []):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _show(value: Any) -> str:
    return "nothing" if _normal(value) is None else json.dumps(value, sort_keys=True)
