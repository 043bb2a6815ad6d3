"""Load lambda/start_workflow/handler.py as a module (`lambda` is a Python keyword, so it is not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

HANDLER_PATH = Path(__file__).resolve().parents[2] / "lambda" / "start_workflow" / "handler.py"


def load_handler_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("start_workflow_handler", HANDLER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def handler_module() -> ModuleType:
    return load_handler_module()


@pytest.fixture(scope="session")
def s3_event() -> object:
    """Build S3 notification events (see `make_s3_event`)."""
    return make_s3_event


def make_s3_event(*objects: tuple[str, str, str], event_name: str = "ObjectCreated:Put") -> dict:
    """An S3 notification event; each object is (bucket, url-encoded key, versionId)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "us-east-1",
                "eventName": event_name,
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": key, "size": 42, "eTag": "0123abcd", "versionId": version, "sequencer": "0A1B"},
                },
            }
            for bucket, key, version in objects
        ]
    }
