"""The workflow DAG of a resolved pipeline — the same nodes and edges Glue's GetWorkflow graph holds —
rendered as Mermaid or Graphviz DOT."""

from __future__ import annotations

from glueflow.dag import Node, WorkflowGraph
from glueflow.glue import NodeType, TriggerType
from glueflow.spec.resolved import Pipeline


def node_labels(pipeline: Pipeline) -> dict[Node, str]:
    """What a trigger node shows besides its name: its type and schedule or predicate logic."""
    return {
        Node(NodeType.TRIGGER, t.name): _trigger_label(t.type, t.schedule, t.logical)
        for t in pipeline.triggers.values()
    }


def condition_labels(pipeline: Pipeline) -> dict[tuple[str, str], str]:
    """(source node name, trigger name) → the watched states ("FAILED | TIMEOUT"), for edge labels."""
    labels: dict[tuple[str, str], list[str]] = {}
    for trigger in pipeline.triggers.values():
        for condition in trigger.conditions:
            labels.setdefault((condition.job_name or condition.crawler_name or "", trigger.name), []).append(
                condition.state
            )
    return {edge: " | ".join(states) for edge, states in labels.items()}


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
    graph = WorkflowGraph.from_pipeline(pipeline)
    labels = node_labels(pipeline)
    states = condition_labels(pipeline)
    shapes = {"TRIGGER": ("{{", "}}"), "JOB": ("[", "]"), "CRAWLER": ("[(", ")]")}
    lines = []
    for node in sorted(graph.nodes):
        left, right = shapes[node.type]
        detail = labels.get(node, "")
        text = f"{node.type}: {node.name}" + (f"<br/>{detail}" if detail else "")
        lines.append(f'{indent}{node.slug}{left}"{text}"{right}')
    for source, target in graph.edges:
        state = states.get((source.name, target.name))
        arrow = f"-- {state} -->" if state else "-->"
        lines.append(f"{indent}{source.slug} {arrow} {target.slug}")
    return lines


def to_dot(pipeline: Pipeline) -> str:
    graph = WorkflowGraph.from_pipeline(pipeline)
    labels = node_labels(pipeline)
    states = condition_labels(pipeline)
    shapes = {"TRIGGER": "diamond", "JOB": "box", "CRAWLER": "cylinder"}
    lines = [f'digraph "{pipeline.workflow_name}" {{', "  rankdir=LR;"]
    for node in sorted(graph.nodes):
        detail = labels.get(node, "")
        label = f"{node.type}\\n{node.name}" + (f"\\n{detail}" if detail else "")
        lines.append(f'  {node.slug} [shape={shapes[node.type]}, label="{label}"];')
    for source, target in graph.edges:
        state = states.get((source.name, target.name))
        lines.append(f"  {source.slug} -> {target.slug}" + (f' [label="{state}"];' if state else ";"))
    lines.append("}")
    return "\n".join(lines) + "\n"
