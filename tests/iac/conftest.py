"""Fixtures for the offline IaC checks: a tmp copy of the clean HCL tree, optionally with broken files laid over it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = FIXTURES / "clean"
BROKEN = FIXTURES / "broken"


@pytest.fixture
def hcl_tree(tmp_path: Path) -> Callable[..., Path]:
    """hcl_tree("misspelled_argument", ...) -> a tmp root with terraform/ and modules/: the clean fixture with each
    named broken fixture's files copied over it (same relative paths)."""

    def build(*broken_cases: str) -> Path:
        root = tmp_path / "repo"
        shutil.copytree(CLEAN, root)
        for case in broken_cases:
            shutil.copytree(BROKEN / case, root, dirs_exist_ok=True)
        return root

    return build
