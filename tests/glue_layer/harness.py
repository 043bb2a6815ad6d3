"""Run stock Glue scripts in this test process, on the shared SparkSession, against a real local Glue endpoint.

A workflow run starts a job process per script (~10 s of Spark start-up each on this machine); the in-process
harness gives every script the same environment the launcher gives a job (GLUEFLOW_LOCAL, the local buckets,
the Glue endpoint of a LocalRuntime for the catalog, bookmark files, the `awsglue` layer on sys.path and
`SparkContext()` returning the live context), so ten scripts share one Spark start.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from glueflow.local.catalog import database_shape
from glueflow.local.runtime import LocalRuntime
from glueflow.local.s3_mount import mount_buckets

SCRIPTS = Path(__file__).resolve().parent / "scripts"
LIBRARY = Path(__file__).resolve().parents[2] / "glue_jobs" / "lib"
DATABASE = "stock"
BUCKETS = ("raw-bucket", "out-bucket")


class GlueHarness:
    def __init__(self, root: Path, spark: Any) -> None:
        self.root = root
        self.spark = spark
        self.state_dir = root / "state"
        self.s3_root = self.state_dir / "s3"
        self.runtime = LocalRuntime(self.state_dir, root=root, build_dir=root / "build", keep_warm=False)
        self.runtime.store.put_database(database_shape(DATABASE))
        for bucket in BUCKETS:
            (self.s3_root / bucket).mkdir(parents=True, exist_ok=True)
        self.bookmarks: dict[str, str] = {}  # job name → committed bookmark JSON (what the engine stores)
        self.runs = 0
        self.warehouse_dir = self.state_dir / "warehouse"

    def put(self, url: str, text: str) -> Path:
        """Write an object to a local bucket (s3://bucket/key)."""
        bucket, _, key = url[len("s3://") :].partition("/")
        path = self.s3_root / bucket / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def path(self, url: str) -> Path:
        bucket, _, key = url[len("s3://") :].partition("/")
        return self.s3_root / bucket / key

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.runtime.call(operation, params)

    def run(self, script: str, arguments: dict[str, str] | None = None, bookmark: str | None = None) -> dict[str, Any]:
        """Run scripts/<script>.py.j2 as __main__ with `--JOB_NAME <script>` and `arguments`; with `bookmark`
        (job-bookmark-enable|pause|disable) the bookmark files work as the runtime's do: a committed state is
        kept only when the option is enable and the script finished without an exception."""
        self.runs += 1
        run_dir = self.root / "runs" / f"{script}-{self.runs}"
        run_dir.mkdir(parents=True)
        argv = [str(SCRIPTS / f"{script}.py.j2"), "--JOB_NAME", script, "--JOB_RUN_ID", f"jr_{self.runs}"]
        for key, value in (arguments or {}).items():
            argv += [key, value]
        env = {"GLUEFLOW_BOOKMARK_OUT": str(run_dir / "bookmark-out.json")}
        if bookmark:
            argv += ["--job-bookmark-option", bookmark]
            if bookmark != "job-bookmark-disable" and script in self.bookmarks:
                (run_dir / "bookmark-in.json").write_text(self.bookmarks[script])
                env["GLUEFLOW_BOOKMARK_IN"] = str(run_dir / "bookmark-in.json")
        globals_out = self._execute(argv, env)
        out = run_dir / "bookmark-out.json"
        if bookmark == "job-bookmark-enable" and out.is_file():
            self.bookmarks[script] = out.read_text()
        return globals_out

    def _execute(self, argv: list[str], env: dict[str, str]) -> dict[str, Any]:
        with pytest.MonkeyPatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            if "GLUEFLOW_BOOKMARK_IN" not in env:
                patch.delenv("GLUEFLOW_BOOKMARK_IN", raising=False)
            patch.setattr(sys, "argv", argv)
            script = Path(argv[0])
            # runpy would refuse the .j2 suffix's module name; compile the text instead, as the launcher's runpy
            # runs the rendered copy.
            code = compile(script.read_text(encoding="utf-8"), str(script), "exec")
            namespace: dict[str, Any] = {"__name__": "__main__", "__file__": str(script)}
            exec(code, namespace)  # the tests' own stock scripts
            return namespace

    def bookmark_files(self, script: str) -> list[str]:
        state = json.loads(self.bookmarks.get(script, "{}") or "{}")
        return sorted(f for source in state.get("sources", {}).values() for f in source.get("files", {}))

    def close(self) -> None:
        self.runtime.close()


@contextmanager
def glue_environment(root: Path, spark: Any) -> Iterator[GlueHarness]:
    """The harness with the job environment set, undone afterwards (other tests must not see `awsglue`)."""
    from glueflow.local import glue_layer

    harness = GlueHarness(root, spark)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GLUEFLOW_LOCAL", "1")
        patch.setenv("GLUEFLOW_S3_ROOT", str(harness.s3_root))
        # pgserver runs PostgreSQL as another user when we are root: the data dir must not sit under pytest's
        # private (0700) tmp root.
        warehouse = Path(tempfile.mkdtemp(prefix="glueflow-warehouse-")) / "warehouse"
        harness.warehouse_dir = warehouse
        patch.setenv("GLUEFLOW_WAREHOUSE_DIR", str(warehouse))
        patch.setenv("AWS_ENDPOINT_URL_GLUE", harness.runtime.endpoint_url())
        patch.setenv("AWS_ACCESS_KEY_ID", "glueflow-local")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "glueflow-local")
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.delenv("AWS_PROFILE", raising=False)
        patch.syspath_prepend(str(LIBRARY))
        patch.syspath_prepend(str(glue_layer.LAYER_DIR))
        glue_layer.reuse_active_spark_context()
        mount_buckets(spark, harness.s3_root)  # raw spark.read/write of s3:// paths, as the launcher mounts them
        from awsglue._glueflow import catalog

        catalog.client.cache_clear()
        try:
            yield harness
        finally:
            catalog.client.cache_clear()
            for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
                del sys.modules[name]
            harness.close()
            shutil.rmtree(warehouse.parent, ignore_errors=True)
