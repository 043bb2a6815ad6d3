"""s3:// ↔ the local buckets: the runtime keeps bucket `b` at `$GLUEFLOW_S3_ROOT/b/` (glueflow.local.s3).

Scripts build paths themselves (`f"s3://{args['OUTPUT_BUCKET']}/output/"`), so every path the layer reads or
writes goes through `local_path`. Glob exclusions and partition folders are matched against the s3 key, as Glue
matches them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

_S3_URL = re.compile(r"^s3[an]?://(?P<bucket>[^/]+)/?(?P<key>.*)$")
HIDDEN_PREFIXES = ("_", ".")  # Spark, Hive and Glue skip _SUCCESS, .crc files, _temporary/


def s3_root() -> Path:
    root = os.environ.get("GLUEFLOW_S3_ROOT")
    if not root:
        raise RuntimeError(
            "s3:// paths need the local buckets: GLUEFLOW_S3_ROOT is not set (the glueflow job launcher sets it; "
            "in your own tests set it to <state dir>/s3)"
        )
    return Path(root).resolve()


def is_s3(path: str) -> bool:
    return _S3_URL.match(path) is not None


def local_path(path: str) -> str:
    """The local folder or file of an s3:// URL (a trailing '/' is kept); other paths pass through."""
    match = _S3_URL.match(path)
    if not match:
        return path[len("file://") :] if path.startswith("file://") else path
    base = s3_root() / match["bucket"]
    key = match["key"]
    return f"{base}/{key}" if key else f"{base}/"


def s3_url(local: str) -> str:
    """The s3:// URL of a file under the local buckets (for messages and bookmarks); else the path itself."""
    try:
        relative = Path(local).resolve().relative_to(s3_root()).as_posix()
    except (RuntimeError, ValueError):
        return local
    return f"s3://{relative}"


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()


def uri_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path)) if uri.startswith("file:") else Path(uri)


def list_files(
    paths: list[str], *, recurse: bool = True, exclusions: list[str] | None = None, suffix: str = ""
) -> dict[str, int]:
    """{file URI: mtime ms} of the data files under `paths` (s3:// or local), hidden files skipped.

    Glue reads only the top level of a path unless `recurse` is true (it is for catalog tables). `exclusions` are
    Glue's glob patterns, matched against the key relative to the bucket (`**` crosses folders).
    """
    found: dict[str, int] = {}
    patterns = [_glob(p) for p in exclusions or []]
    for path in paths:
        root = Path(local_path(path))
        candidates = [root] if root.is_file() else _walk(root, recurse)
        for file in candidates:
            if suffix and not file.name.endswith(suffix):
                continue
            key = s3_url(str(file)).split("/", 3)[-1]
            if any(p.match(key) for p in patterns):
                continue
            found[file_uri(file)] = int(file.stat().st_mtime * 1000)
    return dict(sorted(found.items()))


def _walk(root: Path, recurse: bool) -> list[Path]:
    if not root.is_dir():
        return []
    files: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(HIDDEN_PREFIXES)) if recurse else []
        files += [Path(folder, n) for n in sorted(names) if not n.startswith(HIDDEN_PREFIXES)]
    return files


def _glob(pattern: str) -> re.Pattern[str]:
    """Glue exclusion globs: `*` within a folder, `**` across folders, `{a,b}` alternatives, `?` one character."""
    text = pattern.strip()
    alternatives = re.findall(r"\{([^}]*)\}", text)
    regex = ""
    index = 0
    while index < len(text):
        if text.startswith("**", index):
            regex += ".*"
            index += 2
        elif text[index] == "*":
            regex += "[^/]*"
            index += 1
        elif text[index] == "?":
            regex += "[^/]"
            index += 1
        elif text[index] == "{" and alternatives:
            options = alternatives.pop(0)
            regex += "(?:" + "|".join(re.escape(o) for o in options.split(",")) + ")"
            index = text.index("}", index) + 1
        else:
            regex += re.escape(text[index])
            index += 1
    return re.compile(f"^{regex}$")


def purge(path: str, retention_hours: float, excluded_storage_classes: list[str] | None = None) -> int:
    """Delete the files under `path` older than `retention_hours` (Glue's retentionPeriod); returns how many."""
    del excluded_storage_classes  # local files have no storage class
    import time

    cutoff = time.time() - retention_hours * 3600
    removed = 0
    root = Path(local_path(path))
    if not root.exists():
        return 0
    for file in [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]:
        if file.stat().st_mtime <= cutoff:
            file.unlink()
            removed += 1
    if root.is_dir():
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            if not any(folder.iterdir()):
                shutil.rmtree(folder, ignore_errors=True)
    return removed
