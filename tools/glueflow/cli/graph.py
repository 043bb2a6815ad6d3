"""`glueflow graph`: print each pipeline's workflow DAG."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from glueflow.cli.console import out
from glueflow.cli.options import EnvOption, PipelineOption
from glueflow.graph import to_dot, to_mermaid, to_mermaid_document
from glueflow.spec import load_deployment


def command(
    env: EnvOption = "local",
    pipeline: PipelineOption = None,
    format: Annotated[Literal["mermaid", "dot"], typer.Option("--format", "-f", help="mermaid or dot.")] = "mermaid",
) -> None:
    """Print the workflow DAG (triggers, jobs, crawlers and the states that link them).

    Mermaid output is one document: one flowchart, with a subgraph per pipeline when there are several.

    Example:  glueflow graph --pipeline customer_purchases --format dot | dot -Tpng > dag.png
    """
    deployment = load_deployment(env, pipeline)
    pipelines = deployment.tfvars.pipelines
    if format == "mermaid":  # one valid document: a flowchart, or a subgraph per pipeline when there are several
        text = to_mermaid(next(iter(pipelines.values()))) if len(pipelines) == 1 else to_mermaid_document(pipelines)
        out.print(text, end="", markup=False)
        return
    for name, resolved in pipelines.items():  # Graphviz reads several digraphs from one stream
        if len(pipelines) > 1:
            out.print(f"// pipeline {name}")
        out.print(to_dot(resolved), end="", markup=False)
