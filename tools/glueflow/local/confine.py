"""The local runtime's trust boundary for job arguments that name files.

A caller of the endpoint chooses `StartJobRun` arguments. Without a check, `--extra-py-files` naming a folder of
the caller's choosing runs the caller's Python as this user, and `s3://bucket/../../x` or `/x` makes a job read or
write outside the env's state dir. So:

- every `s3://` / `s3a://` value (and every entry of a comma-separated list) must map to a path *inside* the state
  dir's local S3 root after resolution (symlinks included); a `..` segment is rejected outright;
- a plain path value (absolute, `~`, `file:` or containing a `..` segment) must resolve inside the state dir;
- arguments that bring code (`--extra-py-files`, `--extra-files`, `--extra-jars`, `--scriptLocation`) may name only
  the project's job library and deployed scripts; arguments that install or configure code on Glue
  (`--additional-python-modules`, `--python-modules-installer-option`, `--conf`) cannot be changed by a caller.

Violations are `InvalidInputException`, as Glue answers an argument it cannot accept.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from glueflow.local import errors

CODE_ARGUMENTS = ("--extra-py-files", "--extra-files", "--extra-jars", "--scriptLocation")
FIXED_ARGUMENTS = ("--additional-python-modules", "--python-modules-installer-option", "--conf")
_S3_URL = re.compile(r"^s3[an]?://", re.IGNORECASE)
_PARENT = re.compile(r"(^|[/\\])\.\.([/\\]|$)")


class PathEscape(ValueError):
    """A path argument that leaves the area it is confined to."""


def inside(path: Path | str, roots: Iterable[Path]) -> bool:
    """Whether `path`, fully resolved (symlinks too), is one of `roots` or below one of them."""
    resolved = Path(os.path.realpath(path))
    return any(resolved == root or root in resolved.parents for root in (Path(os.path.realpath(r)) for r in roots))


def _short(value: str) -> str:
    """A value for an error message: callers must not get their whole input echoed back."""
    return repr(value if len(value) <= 120 else value[:120] + "…")


def has_parent_segment(value: str) -> bool:
    return bool(_PARENT.search(value))


def _looks_like_path(part: str) -> bool:
    return part.startswith(("/", "~", "file:")) or has_parent_segment(part)


def _local_of(part: str) -> str:
    if part.startswith("file://"):
        return part[len("file://") :]
    if part.startswith("file:"):
        return part[len("file:") :]
    return os.path.expanduser(part)


class ArgumentGuard:
    """Checks caller-supplied job arguments against one env's state dir and code locations."""

    def __init__(self, state_dir: Path, code_roots: Iterable[Path], allowed_code: Iterable[Path] = ()) -> None:
        self.state_dir = Path(os.path.realpath(state_dir))
        self.s3_root = self.state_dir / "s3"
        self.code_roots = [Path(os.path.realpath(r)) for r in code_roots]
        self.allowed_code = {Path(os.path.realpath(p)) for p in allowed_code}

    def s3_path(self, url: str) -> Path:
        """The local path of an s3:// URL, refusing `..` and anything that resolves outside the S3 root."""
        if has_parent_segment(url):
            raise PathEscape(f"{_short(url)} contains a '..' segment")
        without_scheme = _S3_URL.sub("", url, count=1)
        path = self.s3_root / without_scheme
        if not inside(path, [self.s3_root]):
            raise PathEscape(f"{_short(url)} resolves outside the env's local S3 ({self.s3_root})")
        return path

    def check_value(self, key: str, value: str) -> None:
        for part in value.split(","):
            part = part.strip()
            if _S3_URL.match(part):
                self.s3_path(part)
            elif _looks_like_path(part) and not inside(_local_of(part), [self.state_dir]):
                raise PathEscape(f"{_short(part)} is outside the env's state dir ({self.state_dir})")

    def check_code(self, key: str, value: str) -> None:
        for part in (p.strip() for p in value.split(",") if p.strip()):
            local = self.s3_path(part) if _S3_URL.match(part) else Path(_local_of(part))
            if Path(os.path.realpath(local)) not in self.allowed_code and not inside(local, self.code_roots):
                raise PathEscape(f"{_short(part)} is neither the project's job library nor a deployed script")

    def check(self, arguments: dict[str, str], defaults: dict[str, str]) -> None:
        """Raise InvalidInputException for the first argument that leaves the boundary."""
        for key, value in arguments.items():
            try:
                if key in FIXED_ARGUMENTS and value != defaults.get(key):
                    raise PathEscape("it installs or configures code and cannot be set by a caller locally")
                if key in CODE_ARGUMENTS:
                    self.check_code(key, value)
                else:
                    self.check_value(key, value)
            except PathEscape as exc:
                raise errors.invalid_input(f"Argument {key} is not allowed: {exc}") from None
