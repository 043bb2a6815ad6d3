"""Job processes: launch, log capture, timeout, stop, and the outcome of one job run attempt.

Every attempt runs in its own process (`glueflow.local.launcher`), in its own process group, so a crash, an
`os._exit` or `spark.stop()` in one job cannot affect another, and a timeout or stop kills the whole group
(the Python driver and its JVM).

Spark start-up dominates small runs (~4 s for the JVM and session, ~5 s more for the first query's class
loading on 2 cores; see tools/benchmarks/job_start.py). So glueetl attempts take a *warm spare* when one is there: a
launcher process started earlier (when the workflow run began) that has already built its SparkSession and run
a warm-up query. A spare serves one job run and exits, so isolation is exactly that of a cold process.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from glueflow.glue import JobRunState, job_kind
from glueflow.local import hadoop_fs
from glueflow.local.java import java_home
from glueflow.local.launcher import spare_dir
from glueflow.settings import VARIABLES, Settings

STOP_GRACE_SECONDS = 5.0
REPLACEMENT_NICE = 10
SPARES_KEPT = 2  # by long-lived runtimes, once their first spare was taken (an idle JVM holds ~0.4 GB)
_BUFFER_LIMIT = 1 << 20


@dataclass
class JobLaunch:
    """Everything one attempt needs; `argv` already has s3:// values translated to local paths."""

    job_run_id: str
    kind: str  # glueetl | pythonshell
    script: Path
    argv: list[str]
    env: dict[str, str]
    python_path: list[str]
    run_dir: Path
    log_path: Path
    timeout_seconds: float
    catalog: dict[str, Any] = field(default_factory=dict)
    app_name: str = "glueflow-job"
    jit: str = "c1"  # c1 | tiered (launcher.JIT_OPTIONS): see choose_jit
    codegen: bool = True  # False: no whole-stage code generation (job_inputs.choose_codegen)
    interpreted: bool = False  # True: no generated code for expressions either (job_inputs.choose_interpreted)

    @property
    def spark(self) -> bool:
        return job_kind(self.kind).spark


@dataclass(frozen=True)
class JobOutcome:
    state: JobRunState  # SUCCEEDED | FAILED | TIMEOUT | STOPPED
    error_message: str | None = None


def _end_group(group: int, timeout: float = 5.0) -> None:
    """SIGKILL what is left of a process group and wait until it is gone (its processes are reaped by init)."""
    deadline = time.monotonic() + timeout
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)
        while time.monotonic() < deadline:
            os.killpg(group, 0)
            time.sleep(0.02)


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONUNBUFFERED="1", PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    env.pop("PYTHONPATH", None)  # the launcher sets sys.path per job; nothing leaks in from the caller
    return env


class JobProcess:
    """One launcher process. Its stdout+stderr are pumped into the run's log once a job is assigned."""

    def __init__(self, work_dir: Path, *, spark: bool, env: dict[str, str], nice: int = 0) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        self.ready_file = work_dir / f"ready-{uuid.uuid4().hex[:8]}"
        self.started = time.time()
        self.spark = spark
        self.nice = nice
        command = [sys.executable, "-m", "glueflow.local.launcher"]
        if spark:
            command += ["--spark", str(self.ready_file)]
        self.popen = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=work_dir,
            env=env,
            start_new_session=True,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,
        )
        self._sink_lock = threading.Lock()
        self._buffer = bytearray()
        self._sink: IO[bytes] | None = None
        self._stop_requested = False
        self._pump = threading.Thread(target=self._pump_output, daemon=True, name=f"pump-{self.popen.pid}")
        self._pump.start()

    @property
    def ready(self) -> bool:
        return self.ready_file.exists()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def ended(self) -> None:
        """Block until the process and every child holding its output (the JVM) are gone, without reaping it
        (wait() does, with its timeout)."""
        self._pump.join()

    def _pump_output(self) -> None:
        stream = self.popen.stdout
        assert stream is not None
        while chunk := stream.read1(65536):  # type: ignore[attr-defined]
            with self._sink_lock:
                if self._sink is not None:
                    self._sink.write(chunk)
                    self._sink.flush()
                elif len(self._buffer) < _BUFFER_LIMIT:
                    self._buffer.extend(chunk)
        with self._sink_lock:
            if self._sink is not None:
                self._sink.close()
                self._sink = None

    def assign(self, launch: JobLaunch) -> None:
        """Route output to the run's log and hand the job spec to the launcher."""
        if self.nice:
            # A replacement spare warms at a lower priority so it never slows the job running beside it; its job
            # runs at ours again. Every thread of its group (the JVM's too). Raising a priority back needs
            # CAP_SYS_NICE: without it the job keeps the lower one (which costs nothing on an idle machine).
            # (SCHED_IDLE instead of nice measured no different in back-to-back runs here, and without
            # CAP_SYS_NICE a job could never leave it.)
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PGRP, self.popen.pid, os.getpriority(os.PRIO_PROCESS, 0))
        launch.log_path.parent.mkdir(parents=True, exist_ok=True)
        launch.run_dir.mkdir(parents=True, exist_ok=True)
        sink = launch.log_path.open("ab")
        age = time.time() - self.started
        warm = "warm spare" if self.ready else ("spare still warming" if self.spark else "new process")
        self.ready_file.unlink(missing_ok=True)  # taken: `processes/spares/ready-*` lists waiting spares only
        warm += f", started {age:.1f}s ago"
        sink.write(f"glueflow: job run {launch.job_run_id} ({launch.kind}, {warm})\n".encode())
        with self._sink_lock:
            sink.write(bytes(self._buffer))
            sink.flush()
            self._buffer.clear()
            self._sink = sink
        spec = {
            "kind": launch.kind,
            "spark": launch.spark,
            "script": str(launch.script),
            "argv": launch.argv,
            "env": launch.env,
            "python_path": launch.python_path,
            "cwd": str(launch.run_dir),
            "result_file": str(launch.run_dir / "result.json"),
            "catalog": launch.catalog,
            "app_name": launch.app_name,
            "jit": launch.jit,
            "codegen": launch.codegen,
            "interpreted": launch.interpreted,
        }
        assert self.popen.stdin is not None
        try:
            self.popen.stdin.write((json.dumps(spec) + "\n").encode())
            self.popen.stdin.close()
        except BrokenPipeError:
            pass  # the process died before it took the job: wait() reports it

    def stop(self) -> None:
        """Kill the process group: SIGTERM, then SIGKILL after a grace period."""
        self._stop_requested = True
        self._kill()

    def _kill(self) -> None:
        for sig, grace in ((signal.SIGTERM, STOP_GRACE_SECONDS), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        if self.spark:  # a killed spare cannot remove its own folder (launcher.end_jvm does on a normal end)
            _end_group(self.popen.pid)  # first its JVM, which outlives the launcher running shutdown hooks
            shutil.rmtree(spare_dir(self.ready_file), ignore_errors=True)

    def retire(self) -> None:
        """Dismiss an unassigned spare."""
        self.ready_file.unlink(missing_ok=True)
        with contextlib.suppress(BrokenPipeError, OSError):
            assert self.popen.stdin is not None
            self.popen.stdin.close()
        self._kill()

    def wait(self, launch: JobLaunch) -> JobOutcome:
        """Block until the attempt ends (or times out); the log is complete when this returns."""
        try:
            code = self.popen.wait(timeout=launch.timeout_seconds)
        except subprocess.TimeoutExpired:
            self._kill()
            self._pump.join(timeout=10)
            minutes = launch.timeout_seconds / 60
            return JobOutcome(
                JobRunState.TIMEOUT, f"Job run timed out after {minutes:g} minutes (the process was killed)."
            )
        self._pump.join(timeout=10)
        if self._stop_requested:
            return JobOutcome(JobRunState.STOPPED, "Job run was stopped.")
        result = _read_result(launch.run_dir / "result.json")
        if code == 0 and result.get("ok", True):
            return JobOutcome(JobRunState.SUCCEEDED)
        message = result.get("error") or _exit_message(code, launch.log_path)
        return JobOutcome(JobRunState.FAILED, message)


JIT_SETTING = VARIABLES["jit"].name  # c1 | tiered | auto (the default): which JIT a Spark job's JVM runs with
# Measured with sales_analytics' process_sales (fresh process either way, huge methods compiled, 2 cores): 45 MB of
# CSV (1M rows) ran 18.1-19.1 s under C1 and 20.6-23.6 s tiered; 135 MB (3M rows) 47.5 s under C1 and 39.9 s tiered.
TIERED_INPUT_BYTES = 64 << 20


def choose_jit(size: int, setting: str | None = None) -> str:
    """C1 for small and mid-size inputs (a spare: starts and warms fastest; its simpler code wins up to ~64 MB),
    full tiered compilation once a job has at least TIERED_INPUT_BYTES to read (`size`, job_inputs.input_bytes):
    it costs ~2 s more at start and compiling, and saves more than that on a long scan."""
    setting = setting or Settings.from_environ().jit
    if setting in ("c1", "tiered"):
        return setting
    return "tiered" if size >= TIERED_INPUT_BYTES else "c1"


def _read_result(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _exit_message(code: int, log_path: Path) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        reason = f"the job process was killed by {name}"
    else:
        reason = f"the job process exited with code {code}"
    try:
        lines = [line for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        lines = []
    return f"{reason}: {lines[-1].strip()}" if lines else reason


# The code that decides what a CDS archive holds (launcher.build_cds_archive runs warm_up's steps).
ARCHIVE_RECORDERS = tuple(Path(__file__).with_name(name) for name in ("launcher.py", "warm_up.py"))


def cds_archive_path(cache_dir: Path | None = None, fs_jar: str = "") -> Path:
    """Where the Spark class-data-sharing archive for this Java + pyspark (+ `fs_jar`, on the class path) lives
    (a per-user cache).

    An archive only serves the class path it was dumped with, in its order: Java expands pyspark's `jars/*` in
    directory order, which reinstalling the same pyspark can change, and the JVM then ignores the archive without
    a word (a session starts ~2x slower). It also holds only what the glueflow that built it warmed up, so the
    key covers the code that records it (`ARCHIVE_RECORDERS`) too."""
    import pyspark

    from glueflow.local.launcher import JVM_OPTIONS

    cache = cache_dir or Settings.from_environ().cache_dir
    jars = ",".join(os.listdir(Path(pyspark.__file__).parent / "jars"))
    recorders = hashlib.sha256(b"".join(path.read_bytes() for path in ARCHIVE_RECORDERS)).hexdigest()
    facts = f"{java_home()}|{pyspark.__version__}|{JVM_OPTIONS}|{sys.prefix}|{fs_jar}|{jars}|{recorders}"
    key = hashlib.sha256(facts.encode()).hexdigest()
    return cache / "spark-cds" / f"{key[:16]}.jsa"


# Each archive is ~150 MB, and a new virtualenv or glueflow version keys a new one: one that no runtime has used
# for this long is removed when another is built.
ARCHIVE_UNUSED_DAYS = 14


def prune_archives(folder: Path, keep: Path, unused_days: float = ARCHIVE_UNUSED_DAYS) -> list[Path]:
    """Remove the CDS archives in `folder` (each with its log and lock) unused for `unused_days` (a runtime that
    uses one touches it: CdsBuilder.ensure), except `keep` and any being built; returns the archives removed."""
    cutoff = time.time() - unused_days * 86400
    removed = []
    for archive in folder.glob("*.jsa"):
        with contextlib.suppress(OSError):
            if archive == keep or archive.stat().st_mtime > cutoff:
                continue
            lock = _lock_archive(archive)
            if lock is None:  # being built
                continue
            try:
                for path in (archive, archive.with_suffix(".log"), archive.with_suffix(".lock")):
                    path.unlink(missing_ok=True)
                removed.append(archive)
            finally:
                os.close(lock)
    return removed


def _lock_archive(archive: Path) -> int | None:
    """The held lock (a file descriptor) of building `archive`, or None while another process holds it."""
    lock = os.open(archive.with_suffix(".lock"), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        return None
    return lock


class CdsBuilder:
    """Builds the CDS archive once, in the background, at low priority (`launcher --build-cds`).

    Spark start-up is mostly class loading: with the archive a session starts in ~2 s instead of ~4 s and the
    first query runs ~2x faster. Until it exists, jobs run without it. GLUEFLOW_SPARK_CDS=off disables it.
    """

    def __init__(self, enabled: bool = True, cache_dir: Path | None = None) -> None:
        self.enabled, self.cache_dir = enabled, cache_dir
        self._started = False
        self._lock = threading.Lock()

    def ensure(self, env: dict[str, str]) -> None:
        with self._lock:
            if self._started or not self.enabled:
                return
            self._started = True
        archive = Path(env["GLUEFLOW_SPARK_CDS"])
        if archive.is_file():
            with contextlib.suppress(OSError):
                os.utime(archive)  # in use: see prune_archives
            return
        archive.parent.mkdir(parents=True, exist_ok=True)
        lock = _lock_archive(archive)
        if lock is None:
            return  # another runtime is building it
        log = archive.with_suffix(".log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "glueflow.local.launcher", "--build-cds", str(archive)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={k: v for k, v in env.items() if k != "GLUEFLOW_SPARK_CDS"},
            start_new_session=True,
            preexec_fn=lambda: os.nice(10),
        )

        def release() -> None:
            process.wait()
            log.close()
            os.close(lock)
            prune_archives(archive.parent, keep=archive)

        threading.Thread(target=release, daemon=True).start()


class JobRunner:
    """Starts attempts in fresh processes, preferring a warm Spark spare for glueetl jobs."""

    def __init__(
        self,
        work_dir: Path,
        *,
        spare_idle_seconds: float = 300.0,
        replace_taken: bool = False,
        settings: Settings | None = None,
    ) -> None:
        self.work_dir = work_dir
        settings = settings or Settings.from_environ()
        self.spare_idle_seconds = spare_idle_seconds
        # Long-lived runtimes keep SPARES_KEPT spares: back-to-back runs find one ready (see start).
        self.replace_taken = replace_taken
        self._lock = threading.Lock()
        self._spares: list[JobProcess] = []
        self._env: dict[str, str] | None = None
        self._closed = False
        self.cds = CdsBuilder(settings.spark_cds, settings.cache_dir)
        self.settings = settings

    def _environment(self) -> dict[str, str]:
        """The environment of Spark processes: JAVA_HOME, and the CDS archive once it exists."""
        if self._env is None:
            # SPARK_LOCAL_IP: the driver's ports listen on loopback only (and Spark stops warning about it).
            self._env = {"SPARK_LOCAL_IP": "127.0.0.1", **_base_env(), "JAVA_HOME": str(java_home())}
            self._env.update(hadoop_fs.environment(self.settings))
            if self.cds.enabled:
                archive = cds_archive_path(self.cds.cache_dir, self._env.get(hadoop_fs.JAR_ENV, ""))
                self._env["GLUEFLOW_SPARK_CDS"] = str(archive)
                with contextlib.suppress(OSError):  # e.g. a read-only home: Spark starts without the archive
                    self.cds.ensure(self._env)
        return self._env

    def prewarm(self, count: int = 1, nice: int = 0) -> None:
        """Keep `count` warm Spark spares ready (they retire after `spare_idle_seconds` unused)."""
        with self._lock:
            if self._closed:
                return
            self._spares = [s for s in self._spares if s.alive()]
            for _ in range(count - len(self._spares)):
                spare = JobProcess(self.work_dir / "spares", spark=True, env=self._environment(), nice=nice)
                self._spares.append(spare)
                timer = threading.Timer(self.spare_idle_seconds, self._retire_if_idle, args=(spare,))
                timer.daemon = True
                timer.start()

    def _retire_if_idle(self, spare: JobProcess) -> None:
        with self._lock:
            if spare not in self._spares:
                return
            self._spares.remove(spare)
        spare.retire()

    def _take_spare(self) -> JobProcess | None:
        with self._lock:
            alive = [s for s in self._spares if s.alive()]
            self._spares = alive
            if not alive:
                return None
            ready = [s for s in alive if s.ready]
            spare = (ready or alive)[0]  # a spare still warming started earlier than a new one would
            self._spares.remove(spare)
            return spare

    def start(self, launch: JobLaunch) -> JobProcess:
        """Spares are C1-only sessions: a job that wants full tiered compilation gets a fresh process.

        A long-lived runtime replaces a taken spare when its job ends, so the replacement's warm-up (~5 s of CPU)
        does not slow the job down on a small machine; the next run meanwhile takes the other spare it keeps.
        Only when no spare is left does the replacement start at once, so a run that follows finds one warming.
        """
        process = self._take_spare() if launch.spark and launch.jit == "c1" else None
        if process is not None and self.replace_taken:
            with self._lock:
                left = any(s.alive() for s in self._spares)
            if not left:
                threading.Thread(target=self._replace, daemon=True).start()
            threading.Thread(target=self._replace, args=(process,), daemon=True).start()
        if process is None:
            env = self._environment() if launch.spark else _base_env()
            process = JobProcess(launch.run_dir, spark=False, env=env)
        process.assign(launch)
        return process

    def _replace(self, after: JobProcess | None = None) -> None:
        if after is not None:
            after.ended()
        with contextlib.suppress(Exception):  # no Java: the next job run reports it
            self.prewarm(SPARES_KEPT if after is not None else 1, nice=REPLACEMENT_NICE)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            spares, self._spares = self._spares, []
        for spare in spares:
            spare.retire()
