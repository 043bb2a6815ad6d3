"""Rules that need a whole pipeline: cross-references and Glue's workflow rules (see GLUE_SEMANTICS.md)."""

from __future__ import annotations

from collections.abc import Iterator

from glueflow.errors import SpecProblem
from glueflow.spec.models import PipelineSpec, check_schedule
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
    successors: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for trigger in spec.triggers.values():
        if not trigger.when:
            continue
        targets = {_node_of(a) for a in trigger.start}
        for condition in trigger.when.conditions:
            successors.setdefault(_node_of(condition), set()).update(targets)
    cycle = _find_cycle(successors)
    if cycle:
        path = " → ".join(f"{kind} {name}" for kind, name in cycle)
        yield source.problem(
            ("triggers",),
            f"the trigger graph has a cycle: {path}",
            "a Glue workflow is a DAG; route the loop back through a new workflow run instead",
        )


def _find_cycle(successors: dict[tuple[str, str], set[tuple[str, str]]]) -> list[tuple[str, str]] | None:
    visiting: list[tuple[str, str]] = []
    done: set[tuple[str, str]] = set()

    def visit(node: tuple[str, str]) -> list[tuple[str, str]] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for nxt in sorted(successors.get(node, ())):
            found = visit(nxt)
            if found:
                return found
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(successors):
        found = visit(start)
        if found:
            return found
    return None
