"""The console's routes: `ConsoleApp.get(path, host)` → a `Response`. The Glue endpoint serves it for `GET` (see
`glueflow.local.endpoint`), so the console is on the same loopback port as the API it reads.

Server-rendered HTML (Jinja2 with autoescaping: names, arguments and logs are user data) plus one small script that
polls a JSON route to recolour the graph while a run goes on. No build step, nothing from a CDN; a Content Security
Policy allows only this origin's script and styles, so even an escaping slip could not run injected script.

| route | what |
| --- | --- |
| `/` | pipelines and their workflows, with the last run |
| `/workflows/<workflow>` | the workflow's graph and run history |
| `/workflows/<workflow>/runs/<run id>` | one run: the graph coloured by state, every node's attempts and logs |
| `/workflows/<workflow>/runs/<run id>/nodes/<node>/logs/<job run or crawl id>` | a log file, as a download |
| `/api/workflows/<workflow>/runs/<run id>` | the run's live state as JSON (polled by the run page) |
| `/static/console.css`, `/static/console.js` | the only static files |
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import unquote, urlsplit

from botocore.exceptions import ClientError
from jinja2 import Environment, PackageLoader, select_autoescape

from glueflow.local.errors import GlueApiError
from glueflow.web import views
from glueflow.web.logs import download_name
from glueflow.web.model import RUNNING_STATES

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
STATIC = {"console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
POLL_MS = 1000


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class NotFound(Exception):
    """A route, workflow, run, node or log that does not exist."""


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("glueflow.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["state_class"] = lambda state: (state or "none").lower()
    return env


class ConsoleApp:
    """Routes GET requests to pages; `console` does the reads."""

    def __init__(self, console: views.Console, title: str = "glueflow") -> None:
        self.console = console
        self.title = title
        self.templates = _environment()

    def get(self, raw_path: str, host: str | None = None) -> Response:
        if host is not None and not _is_loopback(host):
            # A page on another site that rebinds its DNS name to 127.0.0.1 must not read the console.
            return self._page(421, "error.html", message=f"this console answers only on loopback, not {host!r}")
        try:
            return self._route(raw_path)
        except NotFound as exc:
            return self._page(404, "error.html", message=str(exc) or "not found")
        except (GlueApiError, ClientError) as exc:
            code = exc.code if isinstance(exc, GlueApiError) else exc.response.get("Error", {}).get("Code")
            if code == "EntityNotFoundException":
                return self._page(404, "error.html", message=_message(exc))
            if code in ("InvalidInputException", "ValidationException"):
                return self._page(400, "error.html", message=_message(exc))
            raise

    def _route(self, raw_path: str) -> Response:
        parts = [unquote(p) for p in urlsplit(raw_path).path.split("/") if p]
        match parts:
            case []:
                return self._page(200, "index.html", workflows=self.console.workflows())
            case ["static", name] if name in STATIC:
                body = resources.files("glueflow.web").joinpath("static", name).read_bytes()
                return Response(200, STATIC[name], body, {"Cache-Control": "no-cache"})
            case ["workflows", workflow]:
                return self._workflow(workflow)
            case ["workflows", workflow, "runs", run_id]:
                page = self.console.run(workflow, run_id)
                return self._page(200, "run.html", page=page, poll_ms=POLL_MS)
            case ["workflows", workflow, "runs", run_id, "nodes", node, "logs", node_run_id]:
                return self._log(workflow, run_id, node, node_run_id)
            case ["api", "workflows", workflow, "runs", run_id]:
                body = json.dumps(self.console.states(workflow, run_id)).encode()
                return Response(200, "application/json", body, {"Cache-Control": "no-store"})
        raise NotFound(f"no page at {urlsplit(raw_path).path}")

    def _workflow(self, name: str) -> Response:
        workflow = self.console.workflow(name)
        graph = self.console.graph(name, workflow.get("Graph", {}))
        return self._page(
            200,
            "workflow.html",
            workflow=workflow,
            pipeline=self.console.names.pipelines.get(name, name),
            graph=graph,
            runs=self.console.history(name),
            limit=views.HISTORY_LIMIT,
        )

    def _log(self, workflow: str, run_id: str, node: str, node_run_id: str) -> Response:
        log = self.console.log_file(workflow, run_id, node, node_run_id)
        if log is None:
            raise NotFound(f"no log of {node_run_id} for {node} in run {run_id}")
        name = download_name(self.console.names.node(node, workflow), node_run_id)
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        return Response(200, "text/plain; charset=utf-8", log.path.read_bytes(), headers)

    @property
    def headers(self) -> dict[str, str]:
        """Sent with every console response."""
        return {
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
        }

    def failure(self, exc: Exception) -> Response:
        """The page for an unexpected error (the endpoint prints the traceback)."""
        return self._page(500, "error.html", message=f"the console failed: {type(exc).__name__}: {exc}")

    def _page(self, status: int, template: str, **context: Any) -> Response:
        html = self.templates.get_template(template).render(
            title=self.title, running_states=sorted(RUNNING_STATES), **context
        )
        return Response(status, "text/html; charset=utf-8", html.encode(), {"Cache-Control": "no-store"})


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() in LOOPBACK_HOSTS


def _message(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc)
