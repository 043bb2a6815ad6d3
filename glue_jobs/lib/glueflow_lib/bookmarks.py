"""The local runtime's job bookmarks: which source files a committed run already processed (used by the local
`awsglue` layer's Job and by glueflow_lib.sources alike).

On Glue, GlueContext keeps bookmarks itself (`transformation_ctx` + `job.commit()`). Locally the runtime hands the
last committed state in `GLUEFLOW_BOOKMARK_IN` (unset when bookmarks are disabled) and stores what the library
writes to `GLUEFLOW_BOOKMARK_OUT` only if the run SUCCEEDED with `job-bookmark-enable`. The JSON is ours:

    {"version": 1, "sources": {"<transformation_ctx>": {"files": {"<file uri>": <mtime ms>, ...}}}}

A file is new when its URI is unknown or its modification time changed (Glue also re-reads rewritten objects).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FORMAT_VERSION = 1


class LocalBookmarks:
    """Bookmark state of one local job run: read at start, written at commit."""

    def __init__(self, state_in: Path | None, state_out: Path | None) -> None:
        self.state_out = state_out
        self._committed: dict[str, dict[str, int]] = {}
        self._pending: dict[str, dict[str, int]] = {}
        if state_in is not None and state_in.is_file():
            data = json.loads(state_in.read_text(encoding="utf-8") or "{}")
            for ctx, source in data.get("sources", {}).items():
                self._committed[ctx] = {str(k): int(v) for k, v in source.get("files", {}).items()}

    @classmethod
    def from_environment(cls) -> LocalBookmarks:
        state_in = os.environ.get("GLUEFLOW_BOOKMARK_IN")
        state_out = os.environ.get("GLUEFLOW_BOOKMARK_OUT")
        return cls(Path(state_in) if state_in else None, Path(state_out) if state_out else None)

    def new_files(self, ctx: str, files: dict[str, int]) -> dict[str, int]:
        """Of `files` ({uri: mtime_ms}), those a committed run has not processed; remembers them for commit."""
        seen = self._committed.get(ctx, {})
        fresh = {uri: mtime for uri, mtime in files.items() if seen.get(uri) != mtime}
        self._pending.setdefault(ctx, {}).update(fresh)
        return fresh

    def state(self) -> dict[str, object]:
        sources = {}
        for ctx in sorted(set(self._committed) | set(self._pending)):
            merged = {**self._committed.get(ctx, {}), **self._pending.get(ctx, {})}
            sources[ctx] = {"files": dict(sorted(merged.items()))}
        return {"version": FORMAT_VERSION, "sources": sources}

    def commit(self) -> None:
        """Write the new state for the runtime, which keeps it only if the run succeeds."""
        if self.state_out is None:
            return
        self.state_out.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_out.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state(), indent=1), encoding="utf-8")
        tmp.replace(self.state_out)
