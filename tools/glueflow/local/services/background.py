"""The background runtime: one long-lived `glueflow serve --background` per local state dir, shared by commands.

A runtime inside each `glueflow run` would start Spark (and a warm spare) anew every time. So the first local
command that needs a runtime starts this one, detached, and every later command finds it through
`<state_dir>/endpoint.json` (written by `serve`), as it finds a foreground `glueflow serve`. It:

- serves the Glue endpoint on 127.0.0.1 only, through the same `LocalServices` as `glueflow serve` (same
  endpoint, same checks); it fires no schedules and watches no uploads (that is what `glueflow serve` is for);
- logs to `<state_dir>/logs/runtime.log`;
- retires after `GLUEFLOW_BACKGROUND_IDLE` seconds (default 900) with no API call and no run in progress;
- stops with `glueflow serve --stop` (or `make stop`): SIGTERM, so running work ends STOPPED as with Ctrl-C.

`GLUEFLOW_BACKGROUND=off` disables it: each command then runs its own runtime, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from glueflow.aws import EndpointInfo, live_endpoint
from glueflow.errors import GlueflowError
from glueflow.spec.deployment import Deployment

START_TIMEOUT_SECONDS = 120.0
LOG_FILE = Path("logs") / "runtime.log"


@contextlib.contextmanager
def _spawn_lock(state_dir: Path):  # type: ignore[no-untyped-def]
    """Two commands starting at once start one runtime: the second waits here, then finds the first's."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(state_dir / "background.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def ensure(deployment: Deployment, timeout: float = START_TIMEOUT_SECONDS) -> EndpointInfo:
    """The env's serving endpoint: a running `serve` (foreground or background), else a new background one."""
    state_dir = deployment.state_dir
    with _spawn_lock(state_dir):
        running = live_endpoint(state_dir)
        if running is not None:
            return running
        log_path = state_dir / LOG_FILE
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting the background runtime\n".encode())
            log.flush()
            process = subprocess.Popen(
                [sys.executable, "-m", "glueflow.cli.main", "serve", "--env", deployment.env.name, "--background"],
                cwd=deployment.root,
                env={**os.environ, "GLUEFLOW_ROOT": str(deployment.root)},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives this command and its Ctrl-C
            )
        return _wait_until_serving(state_dir, process, log_path, timeout)


def _wait_until_serving(state_dir: Path, process: subprocess.Popen[bytes], log: Path, timeout: float) -> EndpointInfo:
    deadline = time.monotonic() + timeout
    delay = 0.01
    while time.monotonic() < deadline:
        info = live_endpoint(state_dir)
        if info is not None and (info.pid == process.pid or process.poll() is not None):
            return info  # ours, or a `glueflow serve` that claimed the state dir first
        if process.poll() is not None:
            raise GlueflowError(
                f"the background runtime exited with code {process.returncode} before serving",
                hint=f"see {log}; or run without it: GLUEFLOW_BACKGROUND=off",
            )
        time.sleep(delay)
        delay = min(0.1, delay * 2)
    process.terminate()
    raise GlueflowError(f"the background runtime did not start within {timeout:.0f}s", hint=f"see {log}")


def stop(state_dir: Path, timeout: float = 60.0) -> EndpointInfo | None:
    """Stop the env's serving runtime (background or foreground `serve`); the one stopped, or None."""
    info = live_endpoint(state_dir)
    if info is None:
        return None
    if not _is_glueflow_serve(info.pid):
        raise GlueflowError(
            f"{state_dir / 'endpoint.json'} names pid {info.pid}, which is not a glueflow serve process",
            hint="remove that file if no glueflow serve is running",
        )
    os.kill(info.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(info.pid):
            return info
        time.sleep(0.05)
    raise GlueflowError(f"glueflow serve (pid {info.pid}) did not stop within {timeout:.0f}s")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (our own child in tests) has exited even though it still has a pid.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z":
            return False
    return True


def _is_glueflow_serve(pid: int) -> bool:
    """Never signal a stranger: the pid in endpoint.json may have been reused since it was written."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc (macOS): the endpoint answered on that pid's port, trust it
    return b"serve" in argv and any(b"glueflow" in part for part in argv)
