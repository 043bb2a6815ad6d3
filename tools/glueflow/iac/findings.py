"""One finding of an offline IaC check, printed as `file:line: subject: message` like a compiler error."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    subject: str  # e.g. 'resource "aws_glue_job" "this"', 'variable "jobs"', 'module glue_job'
    message: str
    check: str = "schema"  # schema | conventions | fmt | syntax | terraform

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.subject}: {self.message}" if self.subject else f"{where}: {self.message}"


def display_path(path: Path, root: Path | None = None) -> str:
    """A path relative to the repo root (or cwd) when it lies below it, so editors can jump to it."""
    base = root or Path.cwd()
    try:
        return (
            os.path.relpath(path.resolve(), base.resolve())
            if path.resolve().is_relative_to(base.resolve())
            else str(path)
        )
    except ValueError:
        return str(path)
