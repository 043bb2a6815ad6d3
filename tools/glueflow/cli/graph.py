"""`glueflow graph`: print each pipeline's workflow DAG."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from glueflow.cli.console import out
from glueflow.cli.options import EnvOption, PipelineOption
from glueflow.graph import to_dot, to_mermaid
from glueflow.spec import load_deployment


def command(
    env: EnvOption = "local",
    pipeline: PipelineOption = None,
    format: Annotated[Literal["mermaid", "dot"], typer.Option("--format", "-f", help="mermaid or dot.")] = "mermaid",
) -> None:
    """Print the workflow DAG (triggers, jobs, crawlers and the states that link them).

    Example:  glueflow graph --pipeline customer_purchases --format dot | dot -Tpng > dag.png
    """
    deployment = load_deployment(env, pipeline)
    renderer = to_mermaid if format == "mermaid" else to_dot
    for name, resolved in deployment.tfvars.pipelines.items():
        if len(deployment.tfvars.pipelines) > 1:
            out.print(f"%% pipeline {name}" if format == "mermaid" else f"// pipeline {name}")
        out.print(renderer(resolved), end="", markup=False)
