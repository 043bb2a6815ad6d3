"""Log files of job runs and crawls for the console, confined to the env's log folder.

The API names a log by group and stream (`JobRun.LogGroupName` + `<Id>.log`, `Crawl.LogGroup` + `LogStream`), as
CloudWatch does; locally a group is a folder under `<state dir>/logs/`. The console never takes a path from a URL:
it looks the run up through the API and opens the file only if it resolves inside that folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TAIL_LINES = 200
TAIL_BYTES = 64 * 1024
# JobContext.count() logs "INFO glueflow_lib: <counter>: <n>" once per call; the counters add up.
_COUNTER = re.compile(r"\bINFO glueflow_lib: ([A-Za-z_][A-Za-z0-9_]*): (-?\d+)\s*$")
# The local crawler's messages name each table it changed (see glueflow.local.crawler).
_TABLE_CHANGE = re.compile(r"^(Created|Updated|Deleted|Deprecated) table ([^:\s]+)")


@dataclass(frozen=True)
class LogFile:
    path: Path
    size: int


def confined_log(state_dir: Path, group: str | None, stream: str | None) -> LogFile | None:
    """The file of log `group`/`stream` if it exists inside `<state_dir>/logs`, else None."""
    if not group or not stream:
        return None
    root = (state_dir / "logs").resolve()
    try:
        path = (Path(group) / stream).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return LogFile(path, path.stat().st_size)


def tail(log: LogFile, lines: int = TAIL_LINES, max_bytes: int = TAIL_BYTES) -> tuple[str, bool]:
    """The last `lines` lines (at most `max_bytes`), and whether anything before them was left out."""
    with log.path.open("rb") as handle:
        start = max(0, log.size - max_bytes)
        handle.seek(start)
        data = handle.read(max_bytes)
    text = data.decode("utf-8", errors="replace")
    kept = text.splitlines()
    if start > 0 and kept:
        kept = kept[1:]  # the first line was cut in the middle
    truncated = start > 0 or len(kept) > lines
    return "\n".join(kept[-lines:]), truncated


def counters(log: LogFile) -> dict[str, int]:
    """The counters a job reported (rows read, written, quarantined ...), summed per name."""
    found: dict[str, int] = {}
    with log.path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = _COUNTER.search(line)
            if match:
                found[match[1]] = found.get(match[1], 0) + int(match[2])
    return found


def table_changes(log: LogFile) -> dict[str, list[str]]:
    """{"Created": [table, ...], "Updated": [...], ...} from a crawl's messages."""
    changes: dict[str, list[str]] = {}
    with log.path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = _TABLE_CHANGE.match(line)
            if match:
                changes.setdefault(match[1], []).append(match[2])
    return changes


def download_name(*parts: str) -> str:
    """A file name for Content-Disposition: only characters that need no quoting in any browser."""
    name = "-".join(parts)
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:200] + ".log"
