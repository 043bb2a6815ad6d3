"""Fault points for the fault-injection suite (tests/local/chaos): `GLUEFLOW_FAULT=<point>` makes the process
that reaches `<point>` kill itself with SIGKILL there, exactly as `kill -9` would, with no cleanup.

Points are named where a crash matters most: between recording and acting (`watcher.offered`, `watcher.seen`,
`watcher.handled`, `api.<Operation>` before a Glue operation runs). Unset (always, outside the suite), a point
costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "GLUEFLOW_FAULT"


def point(name: str) -> None:
    """SIGKILL this process if GLUEFLOW_FAULT names this point."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
