"""A python-shell job imports `awsglue.utils` too (Glue ships it there): getResolvedOptions sees the arguments and
the workflow run's platform arguments the runtime adds."""

from __future__ import annotations

import json

from tests.local.helpers import LocalProject

from .workflows import add_script, job_log, job_run, run_workflow


def test_python_shell_job_resolves_platform_arguments(local_project: LocalProject) -> None:
    p = local_project
    marker = p.root / "marker.json"
    p.write_pipeline(
        "shell",
        jobs={
            "report": {
                "type": "pythonshell",
                "glue_version": "3.0",
                "template": add_script(p, "shell_resolved_options"),
                "arguments": {"--MARKER": str(marker)},
            }
        },
        triggers={"go": {"type": "on_demand", "start": [{"job": "report"}]}},
    )
    run = run_workflow(p, "shell", timeout=120)
    report = job_run(p, run, "shell", "report")
    assert report["JobRunState"] == "SUCCEEDED", job_log(p, report["Id"])[-2000:]
    args = json.loads(marker.read_text())
    assert args["JOB_NAME"] == "glueflow-local-shell-report"
    assert (args["WORKFLOW_NAME"], args["WORKFLOW_RUN_ID"]) == ("glueflow-local-shell", run["WorkflowRunId"])
    assert args["JOB_RUN_ID"] == report["Id"]
    assert args["job_bookmark_option"] == "job-bookmark-disable"
