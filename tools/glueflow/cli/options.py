"""Options shared by several commands, so they read and behave the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

EnvOption = Annotated[
    str,
    typer.Option(
        "--env", "-e", envvar="GLUEFLOW_ENV", help="Environment: a file in envs/ (local, dev, staging, prod)."
    ),
]
PipelineOption = Annotated[
    str | None,
    typer.Option(
        "--pipeline",
        "-p",
        envvar="GLUEFLOW_PIPELINE",
        help="One pipeline (default: every pipeline the env enables).",
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
