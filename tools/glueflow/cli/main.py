"""The `glueflow` entry point: registers one command per module and maps errors to exit codes in one place."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from typer.core import TyperOption

from glueflow import __version__
from glueflow.cli import (
    bootstrap,
    deploy,
    destroy,
    graph,
    ingest,
    logs,
    plan,
    query,
    render,
    run,
    scan,
    serve,
    status,
    validate,
)
from glueflow.cli.console import err
from glueflow.errors import GlueflowError
from glueflow.glue import ExitCode

app = typer.Typer(
    name="glueflow",
    help="AWS Glue ETL pipelines as code. ENV=local (the default) runs whole workflows on this machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
_state = {"debug": False}


def _print_version(wanted: bool) -> None:
    """Eager: runs while the options are parsed, before click asks for a command (`glueflow --version` alone)."""
    if wanted:
        print(f"glueflow {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True)
    ] = False,
) -> None:
    _state["debug"] = debug


# typer's rich help prints a flag's type as `<bool>`, which reads as if the flag took a value (`--follow <bool>`);
# a flag takes none, so its type column stays empty. typer is pinned; this is its documented display hook.
_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = lambda self, ctx: None if self.is_flag else _option_type(self, ctx)  # type: ignore[method-assign]


for _name, _module in {
    "render": render,
    "validate": validate,
    "graph": graph,
    "plan": plan,
    "deploy": deploy,
    "destroy": destroy,
    "bootstrap": bootstrap,
    "run": run,
    "status": status,
    "logs": logs,
    "serve": serve,
    "scan": scan,
    "ingest": ingest,
    "query": query,
}.items():
    app.command(_name)(_module.command)


def main() -> int:
    """Run the CLI; expected failures print a message and a hint, never a traceback (unless --debug).

    Typer's standalone mode handles usage errors, Ctrl-C and exit codes; only GlueflowError surfaces here.
    """
    try:
        app(prog_name="glueflow")
    except GlueflowError as exc:
        if _state["debug"]:
            err.print_exception()
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        if exc.hint:
            err.print(f"  [dim]hint:[/dim] {escape(exc.hint)}")
        return exc.exit_code
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
