"""The local Glue endpoint under load: N boto3 calls from T threads while S idle sockets are held open.

`python -m benchmarks.endpoint_load` (run by `make chaos`) prints p50/p99/max latency and the thread count, and
writes build/bench/endpoint_load.json. The target (issue: "nothing lost, nobody in") is p99 < 100 ms for 400 calls
from 8 threads with 300 idle sockets open. The runtime serves the repo's customer_purchases pipeline from a
throw-away state dir; the calls are read operations a client polls with (GetWorkflow, GetWorkflowRuns, GetJobs,
GetTables), so the figure is the endpoint's, not a job's.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

PIPELINE = "customer_purchases"


def _calls(glue: Any, workflow: str, database: str) -> list[Any]:
    return [
        lambda: glue.get_workflow(Name=workflow),
        lambda: glue.get_workflow_runs(Name=workflow),
        lambda: glue.get_jobs(),
        lambda: glue.get_tables(DatabaseName=database),
    ]


def _threads_of(pid: int) -> int:
    """Threads of a process (Linux /proc; 0 where it is not available)."""
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def measure(
    url: str, workflow: str, database: str, calls: int, threads: int, idle: int, server_pid: int
) -> dict[str, Any]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    sockets = [socket.create_connection((host, int(port)), timeout=30) for _ in range(idle)]
    config = Config(retries={"max_attempts": 1}, max_pool_connections=threads)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        glue = boto3.client(
            "glue", endpoint_url=url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b",
            config=config,
        )  # fmt: skip
        operations = _calls(glue, workflow, database)
        operations[0]()  # connect and warm the client: not measured
        for n in range(calls // threads):
            started = time.perf_counter()
            try:
                operations[(index + n) % len(operations)]()
            except Exception as exc:  # a failed call counts as an error, not as a latency
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    try:
        time.sleep(0.5)  # every idle connection accepted by the server before the load starts
        idle_threads = _threads_of(server_pid)
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(worker, range(threads)))
    finally:
        for sock in sockets:
            sock.close()
    ordered = sorted(latencies)
    return {
        "calls": len(ordered) + len(errors),
        "errors": len(errors),
        "threads": threads,
        "idle_sockets": idle,
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "first_errors": errors[:3],
        "server_threads_with_idle_sockets": idle_threads,
        "server_threads_after_load": _threads_of(server_pid),
    }


SERVER = """
import sys
from glueflow.local.endpoint import start_endpoint
from glueflow.local.provision import deploy
from glueflow.local.runtime import LocalRuntime
from glueflow.spec import load_deployment

deployment = load_deployment("local", sys.argv[1])
deploy(deployment)
with LocalRuntime.for_deployment(deployment, keep_warm=False) as runtime:
    server = start_endpoint(runtime)
    print(server.url, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    print(server.open_connections, flush=True)
    server.shutdown()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--idle", type=int, default=300)
    options = parser.parse_args(argv)

    from glueflow.spec import load_deployment

    with tempfile.TemporaryDirectory(prefix="glueflow-endpoint-load-") as state:
        os.environ["GLUEFLOW_STATE_DIR"] = state
        pipeline = load_deployment("local", PIPELINE).tfvars.pipelines[PIPELINE]
        # The endpoint in its own process, as `glueflow serve` is: clients and server do not share one GIL.
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, PIPELINE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert server.stdin is not None and server.stdout is not None
        try:
            url = server.stdout.readline().strip()
            result = measure(
                url,
                pipeline.workflow_name,
                pipeline.database_name,
                options.calls,
                options.threads,
                options.idle,
                server.pid,
            )
        finally:
            server.stdin.close()
            server.wait(60)
    verdict = "OK" if result["p99_ms"] < 100 and result["errors"] == 0 else "OVER TARGET"
    print(
        f"endpoint load: {result['calls']} calls from {result['threads']} threads with {result['idle_sockets']} idle "
        f"sockets open: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms, "
        f"{result['errors']} errors, server threads {result['server_threads_with_idle_sockets']} idle / "
        f"{result['server_threads_after_load']} after the load  "
        f"[target p99 < 100 ms: {verdict}]"
    )
    out = Path("build") / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "endpoint_load.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    raise SystemExit(main())
