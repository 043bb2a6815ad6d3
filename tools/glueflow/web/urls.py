"""The console's URLs, built in one place (the routes are in `glueflow.web.app`); every part is percent-encoded."""

from __future__ import annotations

from urllib.parse import quote


def _join(*parts: str) -> str:
    return "/" + "/".join(quote(p, safe="") for p in parts)


def run_path(workflow: str, run_id: str) -> str:
    return _join("workflows", workflow, "runs", run_id)


def log_path(workflow: str, run_id: str, node: str, node_run_id: str) -> str:
    return _join("workflows", workflow, "runs", run_id, "nodes", node, "logs", node_run_id)
