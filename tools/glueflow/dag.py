"""The workflow graph, one type for every reader: nodes are triggers, jobs and crawlers; edges run as Glue draws
them, watched node → conditional trigger → started node.

It is built from what each reader holds — a resolved pipeline (`glueflow graph`), Glue trigger shapes (the local
runtime's definitions and run snapshots), a GetWorkflowRun graph (`follow`), or a spec's triggers (the cycle
check) — and answers the questions they ask of it: successors, everything downstream of some nodes, a
dependency order, a cycle. modules/workflow_graph computes the same edges in HCL for Terraform
(tests/terraform/test_graph_parity.py holds the two together).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glueflow.glue import NodeType

if TYPE_CHECKING:  # glueflow.spec's cycle check uses this module
    from glueflow.spec.resolved import Pipeline

JSON = dict[str, Any]


def node_id(node_type: str, name: str) -> str:
    """A stable UniqueId, so a node keeps its id across runs (ResumeWorkflowRun takes ids of an old run)."""
    return "wnode_" + hashlib.sha256(f"{node_type}:{name}".encode()).hexdigest()[:40]


@dataclass(frozen=True, order=True)
class Node:
    type: str  # NodeType: TRIGGER | JOB | CRAWLER
    name: str

    @property
    def id(self) -> str:
        """Glue's UniqueId of the node."""
        return node_id(self.type, self.name)

    @property
    def slug(self) -> str:
        """An identifier for diagrams (Mermaid, DOT)."""
        return f"{self.type.lower()}_{self.name}".replace("-", "_")

    @property
    def is_trigger(self) -> bool:
        return self.type == NodeType.TRIGGER


def job_or_crawler(job_name: str | None, crawler_name: str | None) -> Node:
    return Node(NodeType.JOB, job_name) if job_name else Node(NodeType.CRAWLER, crawler_name or "")


def action_node(action: JSON) -> Node:
    """The node a Glue trigger Action starts."""
    return job_or_crawler(action.get("JobName"), action.get("CrawlerName"))


def condition_node(condition: JSON) -> Node:
    """The node a Glue trigger Condition watches."""
    return job_or_crawler(condition.get("JobName"), condition.get("CrawlerName"))


def condition_state(condition: JSON) -> str:
    return str(condition.get("State") or condition.get("CrawlState"))


@dataclass(frozen=True)
class WorkflowGraph:
    nodes: list[Node]  # triggers first, then jobs and crawlers in order of appearance
    edges: list[tuple[Node, Node]]  # unique: a trigger watching one node for two states is one edge, as in Glue
    _successors: dict[Node, list[Node]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        successors: dict[Node, list[Node]] = {node: [] for node in self.nodes}
        for source, target in self.edges:
            successors[source].append(target)
        object.__setattr__(self, "_successors", successors)

    # --- construction --------------------------------------------------------------------------------------

    @classmethod
    def build(cls, triggers: Iterable[tuple[str, Iterable[Node], Iterable[Node]]]) -> WorkflowGraph:
        """From (trigger name, watched nodes, started nodes) per trigger."""
        triggers = list(triggers)
        nodes: dict[Node, None] = {Node(NodeType.TRIGGER, name): None for name, _, _ in triggers}
        edges: dict[tuple[Node, Node], None] = {}
        for name, watched, started in triggers:
            trigger = Node(NodeType.TRIGGER, name)
            for source in watched:
                nodes.setdefault(source, None)
                edges.setdefault((source, trigger), None)
            for target in started:
                nodes.setdefault(target, None)
                edges.setdefault((trigger, target), None)
        return cls(list(nodes), list(edges))

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> WorkflowGraph:
        """From a resolved pipeline's triggers (physical names)."""
        return cls.build(
            (
                t.name,
                [job_or_crawler(c.job_name, c.crawler_name) for c in t.conditions],
                [job_or_crawler(a.job_name, a.crawler_name) for a in t.actions],
            )
            for t in pipeline.triggers.values()
        )

    @classmethod
    def from_triggers(cls, triggers: Iterable[JSON]) -> WorkflowGraph:
        """From Glue Trigger shapes (Predicate.Conditions, Actions)."""
        return cls.build(
            (
                t["Name"],
                [condition_node(c) for c in (t.get("Predicate") or {}).get("Conditions", [])],
                [action_node(a) for a in t.get("Actions", [])],
            )
            for t in triggers
        )

    @classmethod
    def from_glue_graph(cls, graph: JSON) -> tuple[WorkflowGraph, dict[Node, JSON]]:
        """From a GetWorkflow(Run) `Graph` (Nodes with UniqueId, Edges by id); also each node's Glue shape."""
        shapes = {Node(n.get("Type", ""), n.get("Name", "")): n for n in graph.get("Nodes", [])}
        by_id = {shape.get("UniqueId"): node for node, shape in shapes.items()}
        edges = [
            (by_id[e.get("SourceId")], by_id[e.get("DestinationId")])
            for e in graph.get("Edges", [])
            if e.get("SourceId") in by_id and e.get("DestinationId") in by_id
        ]
        return cls(list(shapes), list(dict.fromkeys(edges))), shapes

    # --- questions -----------------------------------------------------------------------------------------

    def successors(self, node: Node) -> list[Node]:
        return self._successors.get(node, [])

    def node_successors(self) -> dict[Node, set[Node]]:
        """Job/crawler → the jobs and crawlers that triggers watching it start (triggers collapsed)."""
        return {
            node: {target for trigger in self.successors(node) for target in self.successors(trigger)}
            for node in self.nodes
            if not node.is_trigger
        }

    def downstream(self, starts: Iterable[Node]) -> set[Node]:
        """`starts` and every job/crawler reachable from them through conditional triggers."""
        reached = set(starts)
        frontier = list(reached)
        while frontier:
            for trigger in self.successors(frontier.pop()):
                for target in self.successors(trigger):
                    if target not in reached:
                        reached.add(target)
                        frontier.append(target)
        return reached

    def topological(self, key: Callable[[Node], Any] = lambda n: n.name) -> list[Node]:
        """Every node in dependency order, ties by `key`; nodes on a cycle (Glue has none) come last."""
        incoming = dict.fromkeys(self.nodes, 0)
        for _, target in self.edges:
            incoming[target] += 1
        ready = sorted((n for n, count in incoming.items() if count == 0), key=key)
        ordered: list[Node] = []
        while ready:
            node = ready.pop(0)
            ordered.append(node)
            for target in self.successors(node):
                incoming[target] -= 1
                if incoming[target] == 0:
                    ready.append(target)
            ready.sort(key=key)
        return ordered + [n for n in self.nodes if n not in set(ordered)]

    def find_cycle(self) -> list[Node] | None:
        """A path of jobs/crawlers that starts itself again through triggers (first node repeated at the end)."""
        return find_cycle(self.node_successors())


def find_cycle(successors: Mapping[Node, Iterable[Node]]) -> list[Node] | None:
    """Depth-first, in sorted order so the cycle reported is always the same one."""
    visiting: list[Node] = []
    done: set[Node] = set()

    def visit(node: Node) -> list[Node] | None:
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
