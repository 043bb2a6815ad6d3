"""`glueflow serve`: the local Glue endpoint, the cron scheduler and the upload watcher, until Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.logging import RichHandler

from glueflow.cli.console import err, out
from glueflow.cli.options import EnvOption

if TYPE_CHECKING:
    from glueflow.local.services.serve import LocalServices


def command(
    env: EnvOption = "local",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")] = 0,
    schedules: Annotated[
        bool, typer.Option("--schedules/--no-schedules", help="Fire SCHEDULED start triggers on their cron.")
    ] = True,
    stop_running: Annotated[
        bool, typer.Option("--stop", help="Stop the env's running runtime (background or `serve`) and exit.")
    ] = False,
    background: Annotated[
        bool, typer.Option("--background", hidden=True, help="Run as the background runtime (started by run).")
    ] = False,
) -> None:
    """Serve the local Glue endpoint, scheduled triggers and the upload watcher until Ctrl-C.

    The endpoint listens on 127.0.0.1 only; point any boto3 code or the AWS CLI at the printed URL (any
    credentials work). SCHEDULED start triggers fire on their cron (UTC), and files dropped into the local
    raw bucket become S3 events for the pipelines' Lambda handlers and EVENT triggers.

    Examples:
      glueflow serve --port 4599
      AWS_ENDPOINT_URL_GLUE=http://127.0.0.1:4599 aws glue get-workflow-runs --name glueflow-local-customer-purchases
      AWS_ENDPOINT_URL_S3=<printed S3 URL> aws s3 ls s3://glueflow-local-raw-000000000000/ --recursive
      glueflow ingest data.csv --to raw/incoming/     # in another terminal: the watcher starts the workflow
      glueflow serve --stop                           # stop the background runtime `glueflow run` started
    """
    from glueflow.local.services import background as runtime_in_background
    from glueflow.local.services.serve import LocalServices, ServeSettings  # boto3 and the runtime: only when used
    from glueflow.spec import load_deployment

    deployment = load_deployment(env)
    if stop_running:
        stopped = runtime_in_background.stop(deployment.state_dir)
        err.print(f"stopped the runtime at {stopped.url} (pid {stopped.pid})" if stopped else "no runtime is running")
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[RichHandler(console=err, show_path=False)])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Explicit, because a process started with SIGINT ignored (a `&` job of a non-interactive shell, some CI
    # runners) inherits SIG_IGN and Python then never raises KeyboardInterrupt: Ctrl-C would not stop serve.
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if background:  # see local/services/background.py: no event sources, retire when idle
        idle = deployment.settings.background_idle_seconds
        settings = ServeSettings(port=port, scheduler=False, watcher=False, spare_idle_seconds=idle)
    else:
        settings = ServeSettings(port=port, scheduler=schedules)
    with LocalServices(deployment, settings) as services:
        if background:
            _serve_until_idle(services, stop, idle)
        else:
            _banner(services)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
        err.print("stopping …")
    err.print("stopped")


def _serve_until_idle(services: LocalServices, stop: threading.Event, idle_limit: float) -> None:
    err.print(f"background runtime at {services.url}; retires after {idle_limit:.0f}s idle", highlight=False)
    while not stop.wait(min(5.0, max(0.1, idle_limit / 4))):
        if services.idle_seconds() >= idle_limit:
            err.print(f"idle for {idle_limit:.0f}s: retiring")
            return


def _banner(services: LocalServices) -> None:
    from glueflow.local.services.scheduler import describe_next
    from glueflow.local.services.watcher import EventTriggerConsumer, LambdaConsumer

    out.print(f"[bold]Glue endpoint[/bold] {services.url}", highlight=False)
    out.print(f"  export AWS_ENDPOINT_URL_GLUE={services.url}", markup=False)
    out.print(f"[bold]Web console[/bold]   {services.console_url}", highlight=False)
    s3_url = services.runtime.s3_endpoint_url()
    out.print(f"[bold]S3 endpoint[/bold]   {s3_url}  (the local buckets)", highlight=False)
    out.print(f"  export AWS_ENDPOINT_URL_S3={s3_url}", markup=False)
    now = datetime.now(UTC)
    for start in services.schedules:
        state = "" if start.enabled else " (disabled in this env)"
        out.print(f"  schedule {start.workflow_name}: {start.schedule.expression}{state}", markup=False)
        if start.enabled:
            out.print(f"    next: {describe_next(start.schedule, now)}", markup=False)
    for consumer in services.consumers:
        where = f"s3://{consumer.key_filter.bucket}/{consumer.key_filter.prefix}*{consumer.key_filter.suffix}"
        if isinstance(consumer, LambdaConsumer):
            out.print(f"  uploads to {where} → Lambda {consumer.function_name}", markup=False)
        elif isinstance(consumer, EventTriggerConsumer):
            size, window = consumer.batch.size, int(consumer.batch.window)
            out.print(
                f"  uploads to {where} → EVENT trigger {consumer.trigger} (batch {size}, {window}s)", markup=False
            )
    out.print("Ctrl-C to stop")
