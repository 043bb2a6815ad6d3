"""The `glueflow` entry point: registers one command per module and maps errors to exit codes in one place."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.main import get_command_from_info
from typer.models import CommandInfo

from glueflow import __version__
from glueflow.errors import GlueflowError
from glueflow.glue import ExitCode

# Command → (module with its `command` function, the one-line summary `glueflow --help` lists). The modules are
# imported only when their command runs or shows its own --help: they pull in pydantic, Jinja, HCL, boto3 and
# the runtime, which `glueflow --help` and a quick `glueflow status` must not pay for. The summaries are the first
# line of each command's docstring (tests/cli/test_cli.py checks that they agree).
COMMANDS: dict[str, tuple[str, str]] = {
    "render": (
        "glueflow.cli.render",
        "Render build/<env>/: terraform.tfvars.json, backend.hcl, job scripts and the job library zip.",
    ),
    "validate": (
        "glueflow.cli.validate",
        "Validate pipeline specs and rendered output; every problem is reported at once with file:line.",
    ),
    "graph": ("glueflow.cli.graph", "Print the workflow DAG (triggers, jobs, crawlers and the states that link them)."),
    "plan": (
        "glueflow.cli.plan",
        "Plan the env's Terraform changes into build/<env>/plan.tfplan and summarize them by resource type.",
    ),
    "deploy": (
        "glueflow.cli.deploy",
        "Deploy the env: on AWS, apply exactly the reviewed plan; locally, provision the embedded runtime.",
    ),
    "destroy": ("glueflow.cli.destroy", "Destroy everything the env deployed."),
    "bootstrap": (
        "glueflow.cli.bootstrap",
        "Create the env's Terraform state bucket: versioned, KMS-encrypted, TLS-only, access-logged.",
    ),
    "run": ("glueflow.cli.run", "Start the workflow run of each pipeline and follow it node by node until it ends."),
    "job": (
        "glueflow.cli.job",
        "Run one job script on the local runtime, like gluesparksubmit: no pipeline needed, log streamed.",
    ),
    "status": (
        "glueflow.cli.status",
        "Show the latest workflow run of each pipeline (or the one --run-id names), as `run` summarises it.",
    ),
    "logs": (
        "glueflow.cli.logs",
        "Print a node's log on the local runtime: each attempt's stdout and stderr, or a crawler's messages.",
    ),
    "serve": (
        "glueflow.cli.serve",
        "Serve the local Glue endpoint, scheduled triggers and the upload watcher until Ctrl-C.",
    ),
    "scan": (
        "glueflow.cli.scan",
        "Run checkov with our Glue policies (tools/checkov_policies) over terraform/ and modules/, offline.",
    ),
    "ingest": (
        "glueflow.cli.ingest",
        "Upload files to the env's raw bucket: S3 on AWS, the local bucket folder for env local.",
    ),
    "query": (
        "glueflow.cli.query",
        "Run SQL over the env's Glue Data Catalog: DuckDB on the local buckets, Athena on an aws env.",
    ),
    "ui": (
        "glueflow.cli.ui",
        "Open the web console: pipelines, run history with cost, each run's graph live, node logs.",
    ),
}


class LazyCommands(TyperGroup):
    """A group whose commands are built from their modules on first use (click's documented lazy-loading
    pattern; Typer vendors click): listings use the summaries in COMMANDS; running a command imports its module
    then."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        summary = COMMANDS[cmd_name][1]
        return TyperCommand(cmd_name, help=summary, short_help=summary)  # for listings only

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        if args and args[0] in COMMANDS and args[0] not in self.commands:
            self.add_command(load_command(args[0]), args[0])
        return super().resolve_command(ctx, args)


def load_command(name: str) -> Any:
    """Import a command's module and build its click command as Typer would have at start-up."""
    module: Any = importlib.import_module(COMMANDS[name][0])
    return get_command_from_info(
        CommandInfo(name=name, callback=module.command),
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


app = typer.Typer(
    name="glueflow",
    cls=LazyCommands,
    help="AWS Glue ETL pipelines as code. ENV=local (the default) runs whole workflows on this machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
_state = {"debug": False}

# typer's rich help prints a flag's type as `<bool>`, which reads as if the flag took a value (`--follow <bool>`);
# a flag takes none, so its type column stays empty. typer is pinned; this is its documented display hook.
_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = lambda self, ctx: None if self.is_flag else _option_type(self, ctx)  # type: ignore[method-assign]


def _print_version(value: bool) -> None:
    if value:
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


def main() -> int:
    """Run the CLI; expected failures print a message and a hint, never a traceback (unless --debug).

    Typer's standalone mode handles usage errors, Ctrl-C and exit codes; only GlueflowError surfaces here.
    """
    try:
        app(prog_name="glueflow")
    except GlueflowError as exc:
        from glueflow.cli.console import err

        if _state["debug"]:
            err.print_exception()
        from rich.markup import escape

        err.print(f"[red]error:[/red] {escape(str(exc))}")
        if exc.hint:
            err.print(f"  [dim]hint:[/dim] {escape(exc.hint)}")
        return exc.exit_code
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
