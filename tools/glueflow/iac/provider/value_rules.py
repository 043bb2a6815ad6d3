"""Argument values the provider schema cannot carry, for the arguments glueflow's HCL sets.

The real provider rejects many of these in its own validators (`StringInSlice` on a trigger's type, ...) and AWS
rejects the rest at apply time (a Python shell job on Glue 4.0, a deprecated Lambda runtime). The stand-in reports
them at `validate`/`plan` time as attribute diagnostics, so Terraform prints them at the argument's file:line,
each with the document the rule comes from. Values Terraform does not know yet (unknown) are never judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from msgpack import ExtType
from tf.types import Unknown
from tf.utils import Diagnostics

from glueflow.glue import WATCHABLE_CRAWL_STATES, WATCHABLE_JOB_STATES, TriggerType

PROVIDER_DOCS = "https://registry.terraform.io/providers/hashicorp/aws/6.69.1/docs/resources"
GLUE_API = "https://docs.aws.amazon.com/glue/latest/webapi"
JOB_DOC = "https://docs.aws.amazon.com/glue/latest/dg/add-job.html"
VERSIONS_DOC = "https://docs.aws.amazon.com/glue/latest/dg/release-notes.html"
SUPPORT_DOC = "https://docs.aws.amazon.com/glue/latest/dg/glue-version-support-policy.html"
PYTHON_SHELL_DOC = "https://docs.aws.amazon.com/glue/latest/dg/add-job-python.html"
RAY_DOC = "https://docs.aws.amazon.com/glue/latest/dg/ray-jobs-section.html"
CRAWLER_DOC = "https://docs.aws.amazon.com/glue/latest/dg/crawler-configuration.html"
LAMBDA_RUNTIMES_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"

WORKER_TYPES = ("Standard", "G.1X", "G.2X", "G.4X", "G.8X", "G.025X", "Z.2X")  # Glue API WorkerType
COMMANDS = ("glueetl", "gluestreaming", "pythonshell", "glueray")
# Glue versions AWS still creates jobs on, by command (0.9 and 1.0 Spark jobs reached end of support).
GLUE_VERSIONS = {
    "glueetl": ("2.0", "3.0", "4.0", "5.0"),
    "gluestreaming": ("2.0", "3.0", "4.0", "5.0"),
    "pythonshell": ("1.0", "3.0"),
    "glueray": ("4.0",),
}
PYTHON_VERSIONS = {"glueetl": ("3",), "gluestreaming": ("3",), "pythonshell": ("3", "3.9"), "glueray": ("3.9",)}
TRIGGER_TYPES = tuple(sorted(TriggerType))
JOB_CONDITION_STATES = WATCHABLE_JOB_STATES  # states a trigger can watch (Condition)
CRAWL_CONDITION_STATES = WATCHABLE_CRAWL_STATES
UPDATE_BEHAVIORS = ("LOG", "UPDATE_IN_DATABASE")
DELETE_BEHAVIORS = ("LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE")
RECRAWL_BEHAVIORS = ("CRAWL_EVERYTHING", "CRAWL_NEW_FOLDERS_ONLY", "CRAWL_EVENT_MODE")
# Lambda runtimes AWS no longer lets a function be created with (lambda-runtimes.html, "Deprecated runtimes").
DEPRECATED_RUNTIMES = frozenset(
    {
        "python2.7", "python3.6", "python3.7", "python3.8", "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10",
        "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "java8", "dotnetcore1.0",
        "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6", "go1.x", "ruby2.5", "ruby2.7",
        "provided",
    }
)  # fmt: skip
SUPPORTED_RUNTIMES = frozenset(
    {
        "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "nodejs18.x",
        "nodejs20.x", "nodejs22.x", "nodejs24.x", "java11", "java17", "java21", "java25", "dotnet8", "dotnet10",
        "ruby3.2", "ruby3.3", "ruby3.4", "provided.al2", "provided.al2023",
    }
)  # fmt: skip

Path = list[Any]  # attribute path: names and (index,) steps, as tf.utils.Diagnostic takes it


@dataclass(frozen=True)
class Problem:
    path: Path
    summary: str
    detail: str


def _known(value: Any) -> bool:
    """Set and known: Terraform sends unknowns as msgpack extension values (refined ones with code 12)."""
    return value is not None and value is not Unknown and not isinstance(value, ExtType)


def _number(value: Any) -> bool:
    return _known(value) and isinstance(value, int | float) and not isinstance(value, bool)


def _blocks(config: dict[str, Any], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = config.get(name)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _one_of(value: Any, allowed: tuple[str, ...] | frozenset[str], path: Path, what: str, doc: str) -> list[Problem]:
    if not _known(value) or value in allowed:
        return []
    return [Problem(path, f"Invalid {what}", f"{value!r} is not one of {', '.join(sorted(allowed))}. See {doc}")]


def glue_job(config: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    doc = f"{PROVIDER_DOCS}/glue_job"
    problems += _one_of(
        config.get("worker_type"),
        WORKER_TYPES,
        ["worker_type"],
        "worker_type",
        f"{GLUE_API}/aws-glue-api-jobs-job.html",
    )
    command_name = "glueetl"
    for index, command in _blocks(config, "command"):
        name = command.get("name")
        problems += _one_of(name, COMMANDS, ["command", (index,), "name"], "command.name", f"{doc}#name-1")
        if _known(name):
            command_name = name
        python = command.get("python_version")
        if _known(python) and command_name in PYTHON_VERSIONS and python not in PYTHON_VERSIONS[command_name]:
            allowed = ", ".join(PYTHON_VERSIONS[command_name])
            problems.append(
                Problem(
                    ["command", (index,), "python_version"],
                    "Invalid python_version",
                    f"a {command_name} job runs Python {allowed}, not {python!r}. See {JOB_DOC}",
                )
            )
    version = config.get("glue_version")
    if _known(version) and command_name in GLUE_VERSIONS and version not in GLUE_VERSIONS[command_name]:
        allowed = ", ".join(GLUE_VERSIONS[command_name])
        problems.append(
            Problem(
                ["glue_version"],
                "Glue version not available for this job type",
                f"a {command_name} job can be created on Glue {allowed}, not {version!r}. See {VERSIONS_DOC} and "
                f"{SUPPORT_DOC}",
            )
        )
    worker = config.get("worker_type")
    if command_name == "pythonshell" and _known(worker):
        problems.append(
            Problem(
                ["worker_type"],
                "worker_type does not apply to Python shell jobs",
                f"a pythonshell job sets max_capacity (0.0625 or 1), not workers. See {PYTHON_SHELL_DOC}",
            )
        )
    if _known(worker) and (worker == "Z.2X") != (command_name == "glueray"):
        problems.append(
            Problem(
                ["worker_type"],
                "Invalid worker_type for this job type",
                f"Z.2X workers are for Ray jobs (glueray) only, and Ray jobs use only Z.2X. See {RAY_DOC}",
            )
        )
    if _known(worker) and worker == "G.025X" and command_name != "gluestreaming":
        problems.append(
            Problem(
                ["worker_type"],
                "Invalid worker_type for this job type",
                f"G.025X workers are for streaming jobs only. See {GLUE_API}/aws-glue-api-jobs-job.html",
            )
        )
    if _known(config.get("max_capacity")) and (_known(worker) or _known(config.get("number_of_workers"))):
        problems.append(
            Problem(
                ["max_capacity"],
                "Conflicting configuration arguments",
                f'"max_capacity": conflicts with worker_type and number_of_workers. See {doc}#max_capacity',
            )
        )
    timeout = config.get("timeout")
    if _number(timeout) and not 1 <= timeout <= 10080:
        problems.append(
            Problem(
                ["timeout"],
                "Invalid timeout",
                f"a job timeout is 1 to 10080 minutes (7 days), not {timeout}. See {JOB_DOC}",
            )
        )
    return problems


def glue_trigger(config: dict[str, Any]) -> list[Problem]:
    doc = f"{PROVIDER_DOCS}/glue_trigger"
    kind = config.get("type")
    problems = _one_of(kind, TRIGGER_TYPES, ["type"], "trigger type", f"{doc}#type")
    predicates = list(_blocks(config, "predicate"))
    if kind == TriggerType.CONDITIONAL and config.get("predicate") is not Unknown and not predicates:
        problems.append(Problem(["type"], "Missing predicate", f"a CONDITIONAL trigger needs a predicate. See {doc}"))
    if kind == "SCHEDULED" and config.get("schedule") is None:
        problems.append(Problem(["type"], "Missing schedule", f"a SCHEDULED trigger needs a schedule. See {doc}"))
    if _known(kind) and kind != "EVENT" and list(_blocks(config, "event_batching_condition")):
        problems.append(
            Problem(
                ["event_batching_condition"],
                "event_batching_condition applies to EVENT triggers",
                f"only an EVENT trigger batches events. See {doc}#event_batching_condition",
            )
        )
    for p, predicate in predicates:
        problems += _one_of(
            predicate.get("logical"),
            ("AND", "ANY"),
            ["predicate", (p,), "logical"],
            "predicate.logical",
            f"{doc}#logical",
        )
        for c, condition in _blocks(predicate, "conditions"):
            base = ["predicate", (p,), "conditions", (c,)]
            problems += _one_of(
                condition.get("logical_operator"),
                ("EQUALS",),
                [*base, "logical_operator"],
                "logical_operator",
                f"{doc}#logical_operator",
            )
            problems += _one_of(
                condition.get("state"),
                JOB_CONDITION_STATES,
                [*base, "state"],
                "condition state",
                f"{GLUE_API}/aws-glue-api-jobs-trigger.html",
            )
            problems += _one_of(
                condition.get("crawl_state"),
                CRAWL_CONDITION_STATES,
                [*base, "crawl_state"],
                "condition crawl_state",
                f"{doc}#crawl_state",
            )
    for b, batching in _blocks(config, "event_batching_condition"):
        size, window = batching.get("batch_size"), batching.get("batch_window")
        if _number(size) and not 1 <= size <= 100:
            problems.append(
                Problem(
                    ["event_batching_condition", (b,), "batch_size"],
                    "Invalid batch_size",
                    f"1 to 100 events, not {size}. See {GLUE_API}/aws-glue-api-jobs-trigger.html",
                )
            )
        if _number(window) and not 1 <= window <= 900:
            problems.append(
                Problem(
                    ["event_batching_condition", (b,), "batch_window"],
                    "Invalid batch_window",
                    f"1 to 900 seconds, not {window}. See {GLUE_API}/aws-glue-api-jobs-trigger.html",
                )
            )
    return problems


def glue_crawler(config: dict[str, Any]) -> list[Problem]:
    doc = f"{PROVIDER_DOCS}/glue_crawler"
    problems: list[Problem] = []
    recrawl = None
    for r, policy in _blocks(config, "recrawl_policy"):
        recrawl = policy.get("recrawl_behavior")
        problems += _one_of(
            recrawl,
            RECRAWL_BEHAVIORS,
            ["recrawl_policy", (r,), "recrawl_behavior"],
            "recrawl_behavior",
            f"{doc}#recrawl_behavior",
        )
    for s, policy in _blocks(config, "schema_change_policy"):
        base = ["schema_change_policy", (s,)]
        update, delete = policy.get("update_behavior"), policy.get("delete_behavior")
        problems += _one_of(
            update, UPDATE_BEHAVIORS, [*base, "update_behavior"], "update_behavior", f"{doc}#update_behavior"
        )
        problems += _one_of(
            delete, DELETE_BEHAVIORS, [*base, "delete_behavior"], "delete_behavior", f"{doc}#delete_behavior"
        )
        if recrawl in ("CRAWL_NEW_FOLDERS_ONLY", "CRAWL_EVENT_MODE") and update == "UPDATE_IN_DATABASE":
            problems.append(
                Problem(
                    [*base, "update_behavior"],
                    "Schema change policy conflicts with the recrawl policy",
                    f"with recrawl_behavior {recrawl} the crawler only logs schema changes: "
                    "update_behavior must be LOG. "
                    f"See {CRAWLER_DOC}",
                )
            )
    return problems


def lambda_function(config: dict[str, Any]) -> list[Problem]:
    runtime = config.get("runtime")
    if not _known(runtime):
        return []
    if runtime in DEPRECATED_RUNTIMES:
        return [
            Problem(
                ["runtime"],
                "Deprecated Lambda runtime",
                f"AWS no longer creates functions on {runtime}. See {LAMBDA_RUNTIMES_DOC}#runtimes-deprecated",
            )
        ]
    return _one_of(runtime, SUPPORTED_RUNTIMES, ["runtime"], "Lambda runtime", LAMBDA_RUNTIMES_DOC)


def iam_policy_statement_effects(config: dict[str, Any]) -> list[Problem]:
    """aws_iam_policy_document: `effect` is Allow or Deny (the provider's own validator)."""
    problems: list[Problem] = []
    for s, statement in _blocks(config, "statement"):
        problems += _one_of(
            statement.get("effect"),
            ("Allow", "Deny"),
            ["statement", (s,), "effect"],
            "effect",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html",
        )
    return problems


RULES: dict[str, Callable[[dict[str, Any]], list[Problem]]] = {
    "aws_glue_job": glue_job,
    "aws_glue_trigger": glue_trigger,
    "aws_glue_crawler": glue_crawler,
    "aws_lambda_function": lambda_function,
    "aws_iam_policy_document": iam_policy_statement_effects,
}


def check_values(type_name: str, config: dict[str, Any] | None) -> Diagnostics:
    diagnostics = Diagnostics()
    rule = RULES.get(type_name)
    if rule is None or not isinstance(config, dict):
        return diagnostics
    for problem in rule(config):
        diagnostics.add_error(problem.summary, problem.detail, path=problem.path)
    return diagnostics
