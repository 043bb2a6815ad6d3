"""The workflow DAG of a resolved pipeline — the same nodes and edges Glue's GetWorkflow graph holds —
rendered as Mermaid or Graphviz DOT."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from glueflow.glue import TriggerType
from glueflow.spec.resolved import Pipeline

NodeType = Literal["TRIGGER", "JOB", "CRAWLER"]


@dataclass(frozen=True, order=True)
class Node:
    type: NodeType
    name: str  # physical name

    @property
    def id(self) -> str:
        return f"{self.type.lower()}_{self.name}".replace("-", "_")


@dataclass(frozen=True)
class WorkflowGraph:
    nodes: list[Node]
    edges: list[tuple[Node, Node]]
    labels: dict[Node, str]


def workflow_graph(pipeline: Pipeline) -> WorkflowGraph:
    """Nodes: every trigger, job and crawler. Edges: watched node → trigger → started node."""
    nodes: dict[Node, str] = {}
    edges: list[tuple[Node, Node]] = []
    for trigger in pipeline.triggers.values():
        trigger_node = Node("TRIGGER", trigger.name)
        nodes[trigger_node] = _trigger_label(trigger.type, trigger.schedule, trigger.logical)
        for condition in trigger.conditions:
            source = _node_for(condition.job_name, condition.crawler_name)
            nodes.setdefault(source, "")
            edges.append((source, trigger_node))
        for action in trigger.actions:
            target = _node_for(action.job_name, action.crawler_name)
            nodes.setdefault(target, "")
            edges.append((trigger_node, target))
    # A trigger may watch one node for several states (FAILED or TIMEOUT): one edge, as in Glue's graph.
    unique_edges = list(dict.fromkeys(edges))
    return WorkflowGraph(nodes=sorted(nodes), edges=unique_edges, labels=nodes)


def condition_labels(pipeline: Pipeline) -> dict[tuple[str, str], str]:
    """(source node name, trigger name) → the watched states ("FAILED | TIMEOUT"), for edge labels."""
    labels: dict[tuple[str, str], list[str]] = {}
    for trigger in pipeline.triggers.values():
        for condition in trigger.conditions:
            labels.setdefault((condition.job_name or condition.crawler_name or "", trigger.name), []).append(
                condition.state
            )
    return {edge: " | ".join(states) for edge, states in labels.items()}


def _node_for(job_name: str | None, crawler_name: str | None) -> Node:
    return Node("JOB", job_name) if job_name else Node("CRAWLER", crawler_name or "")


def _trigger_label(trigger_type: str, schedule: str | None, logical: str | None) -> str:
    if trigger_type == TriggerType.SCHEDULED:
        return f"SCHEDULED {schedule}"
    if trigger_type == TriggerType.CONDITIONAL:
        return f"CONDITIONAL {logical}"
    return trigger_type


def to_mermaid(pipeline: Pipeline) -> str:
    return "\n".join(["flowchart LR", f"  %% workflow {pipeline.workflow_name}", *_mermaid_body(pipeline, "  ")]) + "\n"


def to_mermaid_document(pipelines: dict[str, Pipeline]) -> str:
    """Several pipelines as one Mermaid document: one flowchart, a subgraph per pipeline (node ids carry the
    physical names, so they never collide). Several `flowchart` blocks in one stream are not a valid diagram."""
    lines = ["flowchart LR"]
    for key, pipeline in pipelines.items():
        lines.append(f'  subgraph {key}["{key}: {pipeline.workflow_name}"]')
        lines += _mermaid_body(pipeline, "    ")
        lines.append("  end")
    return "\n".join(lines) + "\n"


def _mermaid_body(pipeline: Pipeline, indent: str) -> list[str]:
    graph = workflow_graph(pipeline)
    states = condition_labels(pipeline)
    shapes = {"TRIGGER": ("{{", "}}"), "JOB": ("[", "]"), "CRAWLER": ("[(", ")]")}
    lines = []
    for node in graph.nodes:
        left, right = shapes[node.type]
        detail = graph.labels[node]
        text = f"{node.type}: {node.name}" + (f"<br/>{detail}" if detail else "")
        lines.append(f'{indent}{node.id}{left}"{text}"{right}')
    for source, target in graph.edges:
        state = states.get((source.name, target.name))
        arrow = f"-- {state} -->" if state else "-->"
        lines.append(f"{indent}{source.id} {arrow} {target.id}")
    return lines


def to_dot(pipeline: Pipeline) -> str:
    graph = workflow_graph(pipeline)
    states = condition_labels(pipeline)
    shapes = {"TRIGGER": "diamond", "JOB": "box", "CRAWLER": "cylinder"}
    lines = [f'digraph "{pipeline.workflow_name}" {{', "  rankdir=LR;"]
    for node in graph.nodes:
        detail = graph.labels[node]
        label = f"{node.type}\\n{node.name}" + (f"\\n{detail}" if detail else "")
        lines.append(f'  {node.id} [shape={shapes[node.type]}, label="{label}"];')
    for source, target in graph.edges:
        state = states.get((source.name, target.name))
        lines.append(f"  {source.id} -> {target.id}" + (f' [label="{state}"];' if state else ";"))
    lines.append("}")
    return "\n".join(lines) + "\n"
