"""Rules that need a whole pipeline: cross-references and Glue's workflow rules (see docs/glue-semantics.md)."""

from __future__ import annotations

from collections.abc import Iterator

from glueflow import dag
from glueflow.errors import SpecProblem
from glueflow.spec.models import Action, Condition, EnvSpec, PipelineSpec, check_schedule
from glueflow.spec.yaml_source import YamlSource

MAX_CRAWLERS_PER_TRIGGER = 2


def check_pipeline(spec: PipelineSpec, source: YamlSource) -> list[SpecProblem]:
    """Every rule violation in `spec`, each located in `source`."""
    return [
        *_unknown_references(spec, source),
        *_unknown_classifiers(spec, source),
        *_start_trigger_count(spec, source),
        *_trigger_shape(spec, source),
        *_schedules(spec, source),
        *_unstarted_nodes(spec, source),
        *_cycles(spec, source),
        *_raw_bookmark_arguments(spec, source),
        *_impossible_conditions(spec, source),
    ]


def _known(spec: PipelineSpec) -> dict[str, set[str]]:
    return {"job": set(spec.jobs), "crawler": set(spec.crawlers)}


def _node_of(item: object) -> tuple[str, str]:
    job, crawler = getattr(item, "job", None), getattr(item, "crawler", None)
    return ("job", job) if job else ("crawler", crawler or "")


def _unknown_references(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    known = _known(spec)
    for trigger_name, trigger in spec.triggers.items():
        places = [("start", i, a) for i, a in enumerate(trigger.start)]
        if trigger.when:
            logical = "all" if trigger.when.all is not None else "any"
            places += [(f"when.{logical}", i, c) for i, c in enumerate(trigger.when.conditions)]
        for section, index, item in places:
            kind, name = _node_of(item)
            if name not in known[kind]:
                defined = ", ".join(sorted(known[kind])) or "none"
                path = ("triggers", trigger_name, *section.split("."), index, kind)
                yield source.problem(
                    path, f"unknown {kind} '{name}'", f"{kind}s defined in this pipeline are: {defined}"
                )


def _unknown_classifiers(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    defined = ", ".join(sorted(spec.classifiers)) or "none (add a top-level 'classifiers:' section)"
    for crawler_name, crawler in spec.crawlers.items():
        for index, name in enumerate(crawler.classifiers):
            path = ("crawlers", crawler_name, "classifiers", index)
            if name not in spec.classifiers:
                yield source.problem(
                    path, f"unknown classifier '{name}'", f"classifiers defined in this pipeline are: {defined}"
                )
            elif crawler.classifiers.index(name) != index:
                yield source.problem(path, f"classifier '{name}' is listed twice")


def _start_trigger_count(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    starts = [name for name, t in spec.triggers.items() if t.is_start]
    if len(starts) == 1:
        return
    if not starts:
        yield source.problem(
            ("triggers",),
            "the workflow has no start trigger",
            "add one trigger of type on_demand, schedule or event; all others are conditional",
        )
        return
    for name in starts[1:]:
        yield source.problem(
            ("triggers", name, "type"),
            f"a workflow has exactly one start trigger, and '{starts[0]}' already is one",
            "make this trigger conditional (type: conditional with 'when'), or split the pipeline",
        )


def _schedules(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    """Cron syntax, as a rule so a bad schedule is reported beside the pipeline's other problems."""
    for name, trigger in spec.triggers.items():
        try:
            check_schedule(trigger.schedule)
        except ValueError as exc:
            yield source.problem(("triggers", name, "schedule"), str(exc))


def _trigger_shape(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    for name, trigger in spec.triggers.items():
        crawlers = [a.crawler for a in trigger.start if a.crawler]
        if len(crawlers) > MAX_CRAWLERS_PER_TRIGGER:
            yield source.problem(
                ("triggers", name, "start"),
                f"a trigger starts at most {MAX_CRAWLERS_PER_TRIGGER} crawlers; this one starts {len(crawlers)}",
                "split the crawlers over two triggers with the same condition",
            )
        started = {_node_of(a) for a in trigger.start}
        seen: set[tuple[str, str]] = set()
        for index, action in enumerate(trigger.start):
            if _node_of(action) in seen:
                yield source.problem(("triggers", name, "start", index), "this node is started twice by one trigger")
            seen.add(_node_of(action))
        if not trigger.when:
            continue
        logical = "all" if trigger.when.all is not None else "any"
        for index, condition in enumerate(trigger.when.conditions):
            if condition.state not in condition.watchable_states:
                kind = "job" if condition.job else "crawler"
                yield source.problem(
                    ("triggers", name, "when", logical, index, "state"),
                    f"state '{condition.state}' cannot be watched on a {kind}; "
                    f"use one of {', '.join(condition.watchable_states)}",
                )
            if condition.job and ("job", condition.job) in started:
                yield source.problem(
                    ("triggers", name, "when", logical, index, "job"),
                    f"job '{condition.job}' is both watched and started by this trigger; Glue forbids that",
                    "start the job again from a different trigger, or retry it with the job's max_retries",
                )


def _unstarted_nodes(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    started = {_node_of(a) for t in spec.triggers.values() for a in t.start}
    for kind, names in (("job", spec.jobs), ("crawler", spec.crawlers)):
        for name in names:
            if (kind, name) not in started:
                yield source.problem(
                    (f"{kind}s", name),
                    f"{kind} '{name}' is never started by a trigger, so it would not be part of the workflow",
                    f"add it to the 'start' list of a trigger, or remove the {kind}",
                )


def _cycles(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    """A node that, through triggers, starts itself again makes the graph cyclic."""
    graph = dag.WorkflowGraph.build(
        (name, [_dag_node(c) for c in (t.when.conditions if t.when else [])], [_dag_node(a) for a in t.start])
        for name, t in spec.triggers.items()
    )
    cycle = graph.find_cycle()
    if cycle:
        path = " → ".join(f"{node.type.lower()} {node.name}" for node in cycle)
        yield source.problem(
            ("triggers",),
            f"the trigger graph has a cycle: {path}",
            "a Glue workflow is a DAG; route the loop back through a new workflow run instead",
        )


def _dag_node(item: Condition | Action) -> dag.Node:
    return dag.job_or_crawler(item.job, item.crawler)


# --- bookmarks are a spec key, never a raw argument ----------------------------------------------------------------
# glueflow renders `--job-bookmark-option` from the job's `bookmarks:` key; a raw argument silently wins over it
# (a prod override of `--job-bookmark-option: job-bookmark-disable` reprocesses every input of a bookmarked job).
BOOKMARK_ARGUMENT = "--job-bookmark-option"
_BOOKMARK_HINT = "set the job's `bookmarks:` key (enable, disable, pause), in the pipeline or in an env's overrides"


def _raw_bookmark_arguments(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    for name, job in spec.jobs.items():
        for section in ("arguments", "non_overridable_arguments"):
            if BOOKMARK_ARGUMENT in getattr(job, section):
                yield source.problem(
                    ("jobs", name, section, BOOKMARK_ARGUMENT), _bookmark_message(job.bookmarks), _BOOKMARK_HINT
                )
    for name, trigger in spec.triggers.items():
        for index, action in enumerate(trigger.start):
            if BOOKMARK_ARGUMENT in action.arguments:
                path = ("triggers", name, "start", index, "arguments", BOOKMARK_ARGUMENT)
                yield source.problem(path, _bookmark_message(None), _BOOKMARK_HINT)


def check_env_bookmarks(env: EnvSpec, source: YamlSource, specs: dict[str, PipelineSpec]) -> list[SpecProblem]:
    """Env overrides: `bookmarks:` is the explicit way; a raw --job-bookmark-option argument is an error."""
    problems = []
    if BOOKMARK_ARGUMENT in env.job_defaults.arguments:
        path = ("job_defaults", "arguments", BOOKMARK_ARGUMENT)
        problems.append(source.problem(path, _bookmark_message(None), _BOOKMARK_HINT))
    for pipeline, override in env.overrides.items():
        for job, job_override in override.jobs.items():
            if BOOKMARK_ARGUMENT in job_override.arguments:
                spec_job = specs[pipeline].jobs.get(job) if pipeline in specs else None
                path = ("overrides", pipeline, "jobs", job, "arguments", BOOKMARK_ARGUMENT)
                message = _bookmark_message(spec_job.bookmarks if spec_job else None)
                problems.append(source.problem(path, message, _BOOKMARK_HINT))
    return problems


def _bookmark_message(bookmarks: str | None) -> str:
    where = f" (the job is `bookmarks: {bookmarks}`)" if bookmarks else ""
    return f"a raw {BOOKMARK_ARGUMENT} argument overrides the job's bookmark setting{where} without saying so"


# --- conditions that can never be met ------------------------------------------------------------------------------
# Each job or crawler run ends in exactly one state, so a node's run is guarded by the conditions on the path that
# started it: under `all` every condition, under `any` only what all alternatives share. An `all` whose conditions
# (with their guards) need one node in two different states can never fire.

Node = tuple[str, str]
Guard = dict[Node, tuple[frozenset[str], str]]  # watched node -> (end states it may have, trigger requiring it)


def _guards(spec: PipelineSpec) -> dict[Node, Guard | None]:
    """For each node, the end states of other nodes every run of it requires (None: it can never run)."""
    guards: dict[Node, Guard | None] = {}
    for _ in range(len(spec.triggers) + 1):  # the graph is a DAG (cycles are reported): this settles
        changed = False
        for name, trigger in spec.triggers.items():
            required = _trigger_guard(name, trigger, guards)
            for action in trigger.start:
                node = _node_of(action)
                merged = required if node not in guards else _either(guards[node], required)
                if node not in guards or merged != guards[node]:
                    guards[node], changed = merged, True
        if not changed:
            break
    return guards


def _condition_guard(name: str, condition: object, guards: dict[Node, Guard | None]) -> Guard | None:
    node = _node_of(condition)
    upstream = guards.get(node, {})
    return None if upstream is None else _both(upstream, {node: (frozenset({condition.state}), name)})  # type: ignore[attr-defined]


def _trigger_guard(name: str, trigger: object, guards: dict[Node, Guard | None]) -> Guard | None:
    when = getattr(trigger, "when", None)
    if when is None:
        return {}
    options = [_condition_guard(name, condition, guards) for condition in when.conditions]
    result: Guard | None
    if when.all is not None:
        result = {}
        for option in options:
            result = None if result is None or option is None else _both(result, option)
        return result
    result = None
    for option in options:
        result = _either(result, option)
    return result


def _both(a: Guard, b: Guard) -> Guard | None:
    """Both guards at once; None when they leave a node no possible end state."""
    merged = dict(a)
    for node, (states, trigger) in b.items():
        if node in merged:
            states = merged[node][0] & states
            if not states:
                return None
            trigger = merged[node][1] if merged[node][0] == states else trigger
        merged[node] = (states, trigger)
    return merged


def _either(a: Guard | None, b: Guard | None) -> Guard | None:
    """What two alternative paths both require (a node either allows in any of its states)."""
    if a is None:
        return b
    if b is None:
        return a
    return {node: (a[node][0] | b[node][0], a[node][1]) for node in a if node in b}


def _impossible_conditions(spec: PipelineSpec, source: YamlSource) -> Iterator[SpecProblem]:
    guards = _guards(spec)
    for name, trigger in spec.triggers.items():
        if trigger.when is None or trigger.when.all is None:
            continue
        combined: Guard = {}
        for index, condition in enumerate(trigger.when.all):
            node = _node_of(condition)
            option = _condition_guard(name, condition, guards)
            if option is None:
                yield source.problem(
                    ("triggers", name, "when", "all", index),
                    f"can never be met: {node[0]} '{node[1]}' never runs (its own start conditions contradict)",
                )
                break
            clash = next((n for n in option if n in combined and not combined[n][0] & option[n][0]), None)
            if clash is not None:
                (first, by_first), (second, by_second) = combined[clash], option[clash]
                yield source.problem(
                    ("triggers", name, "when", "all", index),
                    f"can never be met: it needs {clash[0]} '{clash[1]}' to end {'/'.join(sorted(first))} "
                    f"(trigger '{by_first}') and {'/'.join(sorted(second))} (trigger '{by_second}') in the same run; "
                    "a run ends in one state",
                    "use `any:` if either branch should start it, or watch nodes of one branch",
                )
                break
            combined = _both(combined, option) or combined
