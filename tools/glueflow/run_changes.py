"""What counts as a change of a workflow run while it is followed: its status, and each node's job runs and crawls
with their states. The local runtime answers a waiting GetWorkflowRun when this mark moves (see
LocalRuntime.get_workflow_run_when_changed), so `glueflow run` wakes on the runtime's events instead of polling;
client and runtime compute the mark with this one function. Standard library only."""

from __future__ import annotations

import json
from typing import Any

WAIT_HEADER = "X-Glueflow-Wait-Seconds"  # on GetWorkflowRun: answer when the run changed, or after this long
SEEN_HEADER = "X-Glueflow-Seen"  # the mark of the run the client already has
MAX_WAIT_SECONDS = 5.0


def change_mark(run: dict[str, Any]) -> str:
    nodes = []
    for node in (run.get("Graph") or {}).get("Nodes", []):
        jobs = [(r.get("Id"), r.get("JobRunState")) for r in (node.get("JobDetails") or {}).get("JobRuns") or []]
        crawls = [(c.get("CrawlId"), c.get("State")) for c in (node.get("CrawlerDetails") or {}).get("Crawls") or []]
        nodes.append((node.get("UniqueId"), jobs, crawls))
    return json.dumps([run.get("Status"), sorted(nodes, key=lambda n: str(n[0]))], default=str)
