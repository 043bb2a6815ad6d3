"""Workflow run properties: shared key/values of one workflow run (Get/PutWorkflowRunProperties).

A job learns its run from `--WORKFLOW_NAME` and `--WORKFLOW_RUN_ID`, which Glue (and the local runtime) add when a
workflow trigger starts it. Locally boto3 reaches the runtime's Glue endpoint through AWS_ENDPOINT_URL_GLUE,
which botocore reads by itself, so this code is the same on both.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("glueflow_lib")


def glue_client() -> Any:
    import boto3

    return boto3.client("glue")


def get_run_properties(job: Any, client: Any = None) -> dict[str, str]:
    """The run's properties, or {} when the job was not started by a workflow."""
    if job.workflow is None:
        return {}
    name, run_id = job.workflow
    response = (client or glue_client()).get_workflow_run_properties(Name=name, RunId=run_id)
    return dict(response.get("RunProperties", {}))


def put_run_properties(job: Any, properties: dict[str, str], client: Any = None) -> bool:
    """Add or update properties of the run; returns False (and logs) outside a workflow."""
    if job.workflow is None:
        log.info("not started by a workflow; run properties not written: %s", properties)
        return False
    name, run_id = job.workflow
    values = {key: str(value) for key, value in properties.items()}
    (client or glue_client()).put_workflow_run_properties(Name=name, RunId=run_id, RunProperties=values)
    return True
