"""The process a job run executes in: `python -m glueflow.local.launcher [--spark READY_FILE]`.

It reads one JSON job spec from stdin, then runs the job script with runpy so the script's
`SparkSession.builder.getOrCreate()` returns the session built here, with the catalog's tables registered.

With `--spark`, the process is a *warm spare*: it builds the SparkSession and runs a small warm-up query before
any job is assigned (JVM start and first-query class loading dominate small runs), touches READY_FILE, then
waits for its spec on stdin. Every process serves exactly one job run, so a job that crashes or calls
`spark.stop()` cannot affect another.

Only the standard library and pyspark are imported here: this module runs inside job processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from glueflow.local import hadoop_fs, jvm_names
from glueflow.local.lazy_catalog import LazyCatalog, compiled_catalog_calls

JVM_OPTIONS = "-XX:+UseSerialGC"
# C1 only starts and warms fastest and runs jobs of up to ~64 MB of input fastest; full tiered compilation costs ~2 s
# more at start but runs longer scans faster. The runtime picks per job (jobs.choose_jit); spares start with C1.
# Both compile huge methods: HotSpot never JIT-compiles a method over 8000 bytes of bytecode, and Spark's whole-stage
# code for a wide validation (sales_analytics' parse-check-join pipeline: 11 kB) would otherwise run interpreted for
# every row (measured tiered: the 1M-row validation pass 8.0-9.1 s with it, 9.1-10.9 s without).
JIT_OPTIONS = {"c1": "-XX:TieredStopAtLevel=1 -XX:-DontCompileHugeMethods", "tiered": "-XX:-DontCompileHugeMethods"}
SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.catalogImplementation": "in-memory",
    "spark.driver.memory": "1g",
    "spark.sql.session.timeZone": "UTC",
    # Spark lists more than 32 input paths with a Spark job (1-2 s here); local files are listed by the driver in
    # milliseconds (the awsglue layer's reads measured 1-2 s per DataFrame over 100 files).
    "spark.sql.sources.parallelPartitionDiscovery.threshold": str(2**31 - 1),
    # Cached DataFrames stay uncompressed: building the columnar cache's dictionaries and encoders cost the 1M-row
    # sales_analytics job's validation pass 1.5-3 s of its ~10 s, for a cache that fits the driver's memory
    # uncompressed (~100 bytes a row); a larger one spills to disk as Spark's MEMORY_AND_DISK default does.
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
    # Many files are read in ~3 tasks per core instead of ~2 large ones: the last task of a scan no longer runs alone
    # on one core (the 1M-row validation pass: 6.6-6.9 s instead of 7.5-7.6 s).
    "spark.sql.files.minPartitionNum": "6",
}


def build_session(app_name: str, work_dir: Path, extra_java_options: str = "", jit: str = "c1") -> Any:
    """A local SparkSession tuned for small runs on few cores.

    Small runs are dominated by JVM start-up and class loading: C1-only JIT and the serial GC start fastest,
    and a class-data-sharing archive of Spark's classes (GLUEFLOW_SPARK_CDS, built once by `--build-cds`)
    roughly halves session start and the first query.
    """
    from pyspark.sql import SparkSession

    archive = os.environ.get("GLUEFLOW_SPARK_CDS", "")
    java_options = f"{JVM_OPTIONS} {JIT_OPTIONS[jit]}".strip()
    java_options += f" -XX:SharedArchiveFile={archive}" if archive and Path(archive).is_file() else ""
    java_options += f" {extra_java_options}" if extra_java_options else ""

    cores = max(1, min(2, os.cpu_count() or 1))
    builder = SparkSession.builder.master(f"local[{cores}]").appName(app_name)
    for key, value in {
        **SPARK_CONF,
        **hadoop_fs.spark_conf(os.environ.get(hadoop_fs.JAR_ENV)),  # no forked chmod per file written
        "spark.sql.warehouse.dir": str(work_dir / "spark-warehouse"),
        "spark.local.dir": str(work_dir / "spark-tmp"),
        "spark.driver.extraJavaOptions": java_options,
        **json.loads(os.environ.get("GLUEFLOW_SPARK_CONF", "{}")),
    }.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _job_waiting() -> bool:
    return bool(select.select([sys.stdin], [], [], 0)[0])


def warm_up(spark: Any, work_dir: Path) -> None:
    """Exercise what jobs use first (warm_up_steps) so those classes are loaded and compiled before a job arrives.
    A job that arrives meanwhile cuts the warm-up short."""
    for step in warm_up_steps(spark, work_dir):
        if _job_waiting():
            return
        step()


def warm_up_steps(spark: Any, work_dir: Path) -> list[Callable[[], Any]]:
    """A spare's first queries (CSV with a header, casts, a Parquet write and read, DDL, boto3) as separate steps;
    every file they write stays in `work_dir`."""
    source = work_dir / "warm-up.csv"
    source.write_text("id,amount,flag\n1,1.5,true\n2,2.5,false\n", encoding="utf-8")
    target = str(work_dir / "warm-up.parquet")
    return [
        lambda: (
            spark.read.option("header", "true")
            .csv(str(source))
            .selectExpr("CAST(id AS INT) AS id", "CAST(amount AS DOUBLE) AS amount", "flag")
            .write.mode("overwrite")
            .parquet(target)
        ),
        lambda: _warm_up_ddl(spark),
        lambda: spark.read.parquet(target).count(),
        # The awsglue layer's CSV read infers types, and it (like glueflow_lib's catalog calls) imports boto3:
        # both cost a job ~1 s when first met, so a spare meets them before its job does.
        lambda: spark.read.option("inferSchema", "true").csv(str(source)).cache().count(),
        _import_boto3,
    ]


WARM_UP_GROUP = "glueflow-warm-up"


def warm_further(spark: Any, work_dir: Path) -> None:
    """After the spare is ready: warm_up.pipeline_steps, the Spark code a job uses beyond its first query. A job
    that arrives meanwhile cancels the running step (its Spark job group), so it waits for no warm-up."""
    from glueflow.local.warm_up import pipeline_steps

    context = spark.sparkContext
    arrived = threading.Event()

    def watch() -> None:
        while not arrived.is_set():
            if select.select([sys.stdin], [], [], 0.05)[0]:
                arrived.set()
                with contextlib.suppress(Exception):
                    context.cancelJobGroup(WARM_UP_GROUP)

    # A cancelled step logs its killed tasks at WARN: not in the log of the job that cancelled it.
    context.setLogLevel("ERROR")
    context.setJobGroup(WARM_UP_GROUP, "warm-up", interruptOnCancel=False)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        for step in pipeline_steps(spark, work_dir):
            if arrived.is_set():
                break
            try:
                step()
            except Exception:  # cancelled by the job's arrival; the job depends on nothing here either way
                break
    finally:
        arrived.set()
        watcher.join()
        for key in ("spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel"):
            context.setLocalProperty(key, None)  # type: ignore[arg-type]
        with contextlib.suppress(Exception):
            spark.catalog.clearCache()
        context.setLogLevel("WARN")  # Spark's default for a PySpark application


def _warm_up_ddl(spark: Any) -> None:
    """The DDL every job's set-up runs (register_databases): after the other steps, creating four databases still
    took a job 0.17-0.18 s met cold and 0.06-0.10 s warmed (2 loaded cores). Dropped again: the job sees only its
    catalog's databases."""
    spark.sql("CREATE DATABASE IF NOT EXISTS `glueflow_warm_up`")
    spark.sql("DROP DATABASE IF EXISTS `glueflow_warm_up`")


def _import_boto3() -> None:
    with contextlib.suppress(ImportError):
        import boto3  # noqa: F401 - imported for the job that will run in this process


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def register_databases(spark: Any, catalog: dict[str, Any]) -> None:
    for database in catalog.get("databases", []):
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {_quote(database)}")


def register_catalog(spark: Any, catalog: dict[str, Any]) -> None:
    """Create the catalog's databases and tables in Spark's in-memory catalog (see catalog.spark_table_spec).
    Jobs register tables lazily instead (lazy_catalog.py); this is for the CDS archive's class list."""
    register_databases(spark, catalog)
    for table in catalog.get("tables", []):
        try:
            _register_table(spark, table)
        except Exception as exc:  # a table Spark cannot read must not hide the others from the job
            print(f"glueflow: could not register table {table['database']}.{table['name']}: {exc}", file=sys.stderr)


def _register_table(spark: Any, table: dict[str, Any]) -> None:
    """CREATE TABLE … USING <format> [PARTITIONED BY] LOCATION, then one ADD PARTITION per catalog partition
    with its own location, so unnamed partition folders (partition_0 …) read as well as `key=value` ones."""
    full_name = f"{_quote(table['database'])}.{_quote(table['name'])}"
    keys = table["partition_keys"]
    columns = ", ".join(f"{_quote(c['Name'])} {c['Type']}" for c in [*table["columns"], *keys])
    options = ", ".join(f"{_literal(k)} {_literal(v)}" for k, v in sorted(table["options"].items()))
    using = f"USING {table['format']}" + (f" OPTIONS ({options})" if options else "")
    partitioned = f" PARTITIONED BY ({', '.join(_quote(k['Name']) for k in keys)})" if keys else ""
    spark.sql(f"CREATE TABLE {full_name} ({columns}) {using}{partitioned} LOCATION {_literal(table['location'])}")
    for partition in table["partitions"]:
        values = ", ".join(
            f"{_quote(k['Name'])} = {_literal(v)}" for k, v in zip(keys, partition["values"], strict=True)
        )
        spark.sql(f"ALTER TABLE {full_name} ADD PARTITION ({values}) LOCATION {_literal(partition['location'])}")


def _watch_parent(parent: int) -> None:
    """Exit when the runtime that started us dies, so no orphaned job keeps running."""
    while True:
        if os.getppid() != parent:
            os._exit(137)
        time.sleep(0.5)


def _error_line(exc: BaseException) -> str:
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def _write_result(path: str, result: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(result), encoding="utf-8")


def _set_unless_chosen(spark: Any, conf: dict[str, str]) -> None:
    """Small inputs run without whole-stage code generation (job_inputs.choose_codegen), tiny ones with
    interpreted expressions (choose_interpreted), unless GLUEFLOW_SPARK_CONF says otherwise."""
    chosen = json.loads(os.environ.get("GLUEFLOW_SPARK_CONF", "{}"))
    for key, value in conf.items():
        if key not in chosen:
            spark.conf.set(key, value)


def _install_glue_layer(spark: bool) -> None:
    """glueflow's local `awsglue` (glueflow/local/glue_layer) on the job's path: only here, never on AWS, where
    Glue's own library is used. Spark jobs also get `SparkContext()` returning the session built above."""
    from glueflow.local import glue_layer

    if spark:
        glue_layer.install()
    elif str(glue_layer.LAYER_DIR) not in sys.path:
        sys.path.insert(0, str(glue_layer.LAYER_DIR))  # python shell: awsglue.utils.getResolvedOptions


def run_job(spec: dict[str, Any], spark: Any) -> int:
    """Run the job script as __main__; returns the process exit code and writes spec['result_file']."""
    os.chdir(spec["cwd"])
    for key, value in spec["env"].items():  # None means unset (e.g. GLUEFLOW_BOOKMARK_IN when bookmarks are off)
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    sys.path[:0] = spec["python_path"]
    sys.argv = [spec["script"], *spec["argv"]]
    started = time.time()
    try:
        if spec["spark"]:  # glueflow.glue.JOB_KINDS decides; this process imports nothing of glueflow
            spark = spark or build_session(spec["app_name"], Path(spec["cwd"]), jit=spec.get("jit", "c1"))
            if os.environ.get("GLUEFLOW_S3_ROOT"):
                from glueflow.local.s3_mount import mount_buckets

                mount_buckets(spark, Path(os.environ["GLUEFLOW_S3_ROOT"]))
            from glueflow.local import job_inputs

            if not spec.get("codegen", True):
                _set_unless_chosen(spark, job_inputs.SMALL_INPUT_CONF)
            if spec.get("interpreted", False):
                _set_unless_chosen(spark, job_inputs.TINY_INPUT_CONF)
            compiled_catalog_calls(spark)  # whatever set NO_CODEGEN: the catalog's typed results need compiling
            register_databases(spark, spec["catalog"])
            LazyCatalog(spark, spec["catalog"], _register_table).install()  # tables: on first use
        _install_glue_layer(spec["spark"])
        print(f"glueflow: running {spec['script']} (set-up {time.time() - started:.2f}s)", file=sys.stderr, flush=True)
        runpy.run_path(spec["script"], run_name="__main__")
        print(f"glueflow: script finished in {time.time() - started:.2f}s", file=sys.stderr, flush=True)
    except SystemExit as exc:
        if exc.code in (None, 0):
            _write_result(spec["result_file"], {"ok": True})
            return 0
        message = exc.code if isinstance(exc.code, str) else f"SystemExit: {exc.code}"
        _write_result(spec["result_file"], {"ok": False, "error": message})
        return exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:
        traceback.print_exc()
        _write_result(spec["result_file"], {"ok": False, "error": _error_line(exc)})
        return 1
    _write_result(spec["result_file"], {"ok": True})
    return 0


def spare_dir(ready_file: Path) -> Path:
    """A spare's own folder (its warm-up files, scratch space and warehouse), named after its ready file so the
    runtime can remove it when it kills a spare that had no chance to (jobs.JobProcess)."""
    return ready_file.with_name(ready_file.name.replace("ready-", "spare-", 1))


def spark_dirs(spec: dict[str, Any], spare_dir: Path | None) -> list[Path]:
    """What the job's JVM leaves behind that no one reads once it is gone: a spare's own folder (its warm-up
    files, scratch space and the warehouse of its in-memory catalog), or the run's Spark scratch space."""
    return [spare_dir] if spare_dir is not None else [Path(spec["cwd"]) / "spark-tmp"]


def end_jvm(scratch: list[Path]) -> None:
    """Kill the job's JVM and remove its scratch folders, once the result file is written.

    Its graceful shutdown (stopping the SparkContext, then its shutdown hooks deleting spark.local.dir) took
    ~0.4 s after every job, and the job run could not end before it: the JVM holds the log pipe open. Nothing
    is lost by skipping it: the job's writes are committed (or failed) by now, and what the hooks would delete
    is removed here. A launcher killed (-9) before this point leaves the JVM to exit on its gateway pipe's EOF.
    """
    context = sys.modules.get("pyspark.context")
    gateway = getattr(getattr(context, "SparkContext", None), "_gateway", None)
    process = getattr(gateway, "proc", None)
    if process is not None:
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait(timeout=10)
    for folder in scratch:
        shutil.rmtree(folder, ignore_errors=True)


def warm_up_every_step(spark: Any, work_dir: Path) -> None:
    """A spare's whole warm-up (warm_up_steps, then warm_up.pipeline_steps) with no check for an arriving job, for
    a process whose stdin is not a job pipe: warm_up and warm_further stop at a readable stdin, and /dev/null
    always is."""
    for step in warm_up_steps(spark, work_dir):
        step()
    _run_pipeline_steps(spark, work_dir, {})


def load_job_classes(spark: Any, work_dir: Path) -> None:
    """What the CDS archive records: every warm-up step, the warm-up pipeline under each setting a job may run
    with (job_inputs: without whole-stage code, or interpreted, Spark's operators and expressions load other
    classes, which a job would otherwise load from the jars), and a catalog table's registration and read."""
    from glueflow.local.job_inputs import SMALL_INPUT_CONF, TINY_INPUT_CONF

    warm_up_every_step(spark, work_dir)
    for conf in (SMALL_INPUT_CONF, {**SMALL_INPUT_CONF, **TINY_INPUT_CONF}):
        _run_pipeline_steps(spark, work_dir, conf)
    table = {
        "database": "cds",
        "name": "t",
        "columns": [{"Name": "id", "Type": "bigint"}],
        "partition_keys": [],
        "format": "csv",
        "options": {"header": "true"},
        "location": str(work_dir / "warm-up.csv"),
        "partitions": [],
    }
    register_catalog(spark, {"databases": ["cds"], "tables": [table]})
    spark.table("cds.t").count()


def _run_pipeline_steps(spark: Any, work_dir: Path, conf: dict[str, str]) -> None:
    """The warm-up pipeline (warm_up.pipeline_steps) under the Spark settings `conf`, which are unset after."""
    from glueflow.local.warm_up import pipeline_steps

    for key, value in conf.items():
        spark.conf.set(key, value)
    try:
        for step in pipeline_steps(spark, work_dir):
            step()
    finally:
        for key in conf:
            spark.conf.unset(key)
        spark.catalog.clearCache()


def build_cds_archive(archive: Path) -> None:
    """Record the classes of a session and of `load_job_classes` into a CDS archive (dumped at JVM exit)."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="cds-", dir=archive.parent))
    partial = work_dir / "archive.jsa"
    os.environ.pop("GLUEFLOW_SPARK_CDS", None)
    spark = build_session("glueflow-cds", work_dir, f"-XX:ArchiveClassesAtExit={partial}")
    load_job_classes(spark, work_dir)
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    assert gateway is not None
    spark.stop()
    gateway.shutdown()
    gateway.proc.stdin.close()  # the JVM exits on EOF and writes the archive
    gateway.proc.wait(timeout=300)
    if partial.is_file():
        partial.replace(archive)  # atomic: a concurrent reader sees the whole archive or none
    shutil.rmtree(work_dir, ignore_errors=True)


def main(argv: list[str]) -> None:
    if len(argv) > 2 and argv[1] == "--build-cds":
        build_cds_archive(Path(argv[2]))
        return
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    jvm_names.install()
    spark = None
    work_dir: Path | None = None
    if len(argv) > 2 and argv[1] == "--spark":
        ready_file = Path(argv[2])
        work_dir = spare_dir(ready_file)
        work_dir.mkdir()
        started = time.time()
        spark = build_session("glueflow-job", work_dir)
        session_ready = time.time()
        warm_up(spark, work_dir)
        queries_done = time.time()
        if not _job_waiting():
            warm_further(spark, work_dir)
        if not _job_waiting():  # taken while warming: the runtime already removed its ready file
            ready_file.write_text(str(time.time()), encoding="utf-8")
        print(
            f"glueflow: warm spare ready (session {session_ready - started:.1f}s, "
            f"warm-up queries {queries_done - session_ready:.1f}s, pipeline {time.time() - queries_done:.1f}s)",
            file=sys.stderr,
            flush=True,
        )
    line = sys.stdin.readline()
    if not line:  # the runtime retired this spare without a job
        end_jvm([work_dir] if work_dir is not None else [])
        os._exit(0)
    spec = json.loads(line)
    code = run_job(spec, spark)
    sys.stdout.flush()
    sys.stderr.flush()
    end_jvm(spark_dirs(spec, work_dir))
    # Skipping interpreter shutdown saves a second: nothing of the job is left to flush.
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv)
