"""Where a job script runs: on AWS Glue (awsglue importable) or on glueflow's local runtime (GLUEFLOW_LOCAL=1)."""

from __future__ import annotations

import importlib.util
import os


def on_glue() -> bool:
    """True on an AWS Glue worker, where the `awsglue` package exists and the local runtime is not in charge."""
    if os.environ.get("GLUEFLOW_LOCAL") == "1":
        return False
    return importlib.util.find_spec("awsglue") is not None


def is_local() -> bool:
    return not on_glue()
