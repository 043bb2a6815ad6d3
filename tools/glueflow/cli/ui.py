"""`glueflow ui`: open the read-only web console of the local runtime (serving it first if `serve` is not running)."""

from __future__ import annotations

import os
import threading
import time
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from glueflow.aws import live_endpoint
from glueflow.cli import serve
from glueflow.cli.console import err, out
from glueflow.cli.options import EnvOption
from glueflow.errors import GlueflowError
from glueflow.spec import load_deployment

SERVE_WAIT_SECONDS = 300  # provisioning a fresh env renders every job script first


def command(
    env: EnvOption = "local",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port when ui starts the server itself (0: any free).")
    ] = 0,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open a browser tab (when one is available).")
    ] = True,
    schedules: Annotated[
        bool, typer.Option("--schedules/--no-schedules", help="When ui serves: fire SCHEDULED triggers on their cron.")
    ] = True,
) -> None:
    """Open the web console: pipelines, run history with cost, each run's graph live, node logs.

    The console is served by `glueflow serve` on its loopback port. If serve is running for this env, ui
    prints its URL and opens it; otherwise ui serves (endpoint, schedules, upload watcher) until Ctrl-C.
    Without a graphical browser it only prints the URL.

    Examples:
      glueflow ui
      glueflow ui --no-browser --port 4599
    """
    deployment = load_deployment(env)
    if deployment.env.kind != "local":
        region = deployment.env.region
        raise GlueflowError(
            f"the web console shows the local runtime; env '{env}' runs on AWS",
            hint=f"AWS's Glue console: https://{region}.console.aws.amazon.com/glue/home?region={region}#/v2/etl-configuration/workflows",
        )
    served = live_endpoint(deployment.state_dir)
    if served is not None:
        _announce(f"{served.url}/", browser)
        return
    opener = threading.Thread(target=_open_when_served, args=(deployment.state_dir, browser), daemon=True)
    opener.start()
    serve.command(env=env, port=port, schedules=schedules)


def _open_when_served(state_dir: Path, browser: bool) -> None:
    deadline = time.monotonic() + SERVE_WAIT_SECONDS
    while time.monotonic() < deadline:
        served = live_endpoint(state_dir)
        if served is not None:
            if browser:
                _open(f"{served.url}/")
            return
        time.sleep(0.2)


def _announce(url: str, browser: bool) -> None:
    out.print(f"[bold]Web console[/bold] {url}", highlight=False)
    if browser:
        _open(url)


def _open(url: str) -> None:
    if not open_browser(url):
        err.print(f"no graphical browser here: open {url} in yours", highlight=False)


def open_browser(url: str) -> bool:
    """Open `url` in a graphical browser; False (never an error) when there is none. A console browser such as
    lynx or w3m is not used unless $BROWSER names it: it would take over this terminal."""
    try:
        controller = webbrowser.get()
    except webbrowser.Error:
        return False
    if type(controller) is webbrowser.GenericBrowser and not os.environ.get("BROWSER"):
        return False
    try:
        return bool(controller.open(url, new=2))
    except OSError:
        return False
