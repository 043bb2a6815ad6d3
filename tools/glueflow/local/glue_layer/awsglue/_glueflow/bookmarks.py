"""Job bookmarks keyed by `transformation_ctx`, on the runtime's local bookmark files (glueflow_lib.bookmarks).

`Job.init` opens the run's bookmark state when `--job-bookmark-option` is enable or pause; a read with a
non-empty `transformation_ctx` then returns only files the last committed run did not process (a file whose
modification time changed counts as new, as Glue re-reads rewritten objects), and `Job.commit` writes the new
state. The runtime keeps it only if the run SUCCEEDED with job-bookmark-enable, so a failed run or a paused one
advances nothing.
"""

from __future__ import annotations

from typing import Any

ENABLE, PAUSE, DISABLE = "job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"


class BookmarkSession:
    """The bookmark state of one job run (between Job.init and Job.commit)."""

    def __init__(self, option: str) -> None:
        from glueflow_lib.bookmarks import LocalBookmarks

        self.option = option
        self.state: Any = LocalBookmarks.from_environment() if option in (ENABLE, PAUSE) else None

    @property
    def active(self) -> bool:
        return self.state is not None

    def new_files(self, transformation_ctx: str, files: dict[str, int]) -> dict[str, int]:
        if not self.active or not transformation_ctx:
            return files
        return dict(self.state.new_files(transformation_ctx, files))

    def commit(self) -> None:
        if self.option == ENABLE and self.state is not None:
            self.state.commit()


_current: BookmarkSession | None = None


def start(option: str) -> BookmarkSession:
    global _current
    _current = BookmarkSession(option)
    return _current


def filter_new(transformation_ctx: str, files: dict[str, int]) -> dict[str, int]:
    """`files` less those the committed bookmark of `transformation_ctx` covers (all of them without a Job)."""
    return _current.new_files(transformation_ctx, files) if _current is not None else files
