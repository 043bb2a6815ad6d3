"""A Hadoop local FileSystem that sets permissions without forking `chmod`, compiled once per machine.

Without Hadoop's native library (no wheel ships it), RawLocalFileSystem forks `chmod` for every file and folder a
Spark write creates: ~10 ms each from a Spark JVM, 4-6 s for a write of 366 partition folders. glueflow's
`hadoop/FastLocalFileSystem.java` sets the same permissions through java.nio. It is compiled with Janino, the Java
compiler Spark ships in pyspark/jars, so a bare JRE is enough (no JDK); the jar is cached per user, like the CDS
archive, keyed by the source, pyspark and Java. When it cannot be built, Spark keeps Hadoop's LocalFileSystem.

The launcher reads the jar's path from GLUEFLOW_SPARK_FS_JAR (see launcher.build_session).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glueflow.settings import Settings

FILE_SYSTEM_CLASS = "glueflow.hadoop.FastLocalFileSystem"
JAR_ENV = "GLUEFLOW_SPARK_FS_JAR"
SOURCE = Path(__file__).with_name("hadoop") / "FastLocalFileSystem.java"
# Janino's javac-compatible command line (in commons-compiler, next to the compiler itself in pyspark/jars).
_COMPILER_MAIN = "org.codehaus.commons.compiler.samples.CompilerDemo"


def environment(settings: Settings | None = None) -> dict[str, str]:
    """{JAR_ENV: the jar} for a Spark process's environment, per `settings` (GLUEFLOW_SPARK_FAST_FS,
    GLUEFLOW_CACHE_DIR; default: the environment's); {} when it is off or the jar cannot be built."""
    from glueflow.local.java import java_home
    from glueflow.settings import Settings

    settings = settings or Settings.from_environ()
    if not settings.spark_fast_fs:
        return {}
    jar = ensure_jar(settings.cache_dir, java_home())
    return {JAR_ENV: str(jar)} if jar else {}


def spark_conf(jar: str | None) -> dict[str, str]:
    """The Spark settings that make `jar`'s FileSystem serve file:// paths; none without a built jar."""
    if not jar or not Path(jar).is_file():
        return {}
    return {"spark.driver.extraClassPath": jar, "spark.hadoop.fs.file.impl": FILE_SYSTEM_CLASS}


def _spark_jars() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "jars"


def jar_path(cache_dir: Path, java_home: Path) -> Path:
    """Where the compiled jar for this source, pyspark and Java lives."""
    import pyspark

    key = hashlib.sha256(SOURCE.read_bytes() + f"|{pyspark.__version__}|{java_home}".encode()).hexdigest()
    return cache_dir / "hadoop-fs" / f"glueflow-fs-{key[:16]}.jar"


def ensure_jar(cache_dir: Path, java_home: Path) -> Path | None:
    """The jar, compiled now if this machine has none yet (~1 s, once); None when it cannot be built."""
    jar = jar_path(cache_dir, java_home)
    if jar.is_file():
        return jar
    try:
        jar.parent.mkdir(parents=True, exist_ok=True)
        with _locked(jar.with_suffix(".lock")):
            if not jar.is_file():  # another runtime may have built it while we waited
                _compile(jar, java_home)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"glueflow: Spark keeps Hadoop's local file system ({exc})", file=sys.stderr)
        return None
    return jar


@contextlib.contextmanager
def _locked(path: Path):  # type: ignore[no-untyped-def]
    handle = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _compile(jar: Path, java_home: Path) -> None:
    jars = sorted(_spark_jars().glob("*.jar"))
    compiler = [str(j) for j in jars if j.name.startswith(("janino-", "commons-compiler-"))]
    with tempfile.TemporaryDirectory(prefix="glueflow-fs-", dir=jar.parent) as work:
        classes = Path(work) / "classes"
        classes.mkdir()
        command = [
            str(java_home / "bin" / "java"),
            "-cp",
            os.pathsep.join(compiler),
            _COMPILER_MAIN,
            "-d",
            str(classes),
            "-classpath",
            os.pathsep.join(str(j) for j in jars),
            str(SOURCE),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        compiled = sorted(classes.rglob("*.class"))
        if result.returncode != 0 or not compiled:
            raise OSError(f"compiling {SOURCE.name} failed: {(result.stderr or result.stdout).strip()[-500:]}")
        partial = Path(work) / "fs.jar"
        with zipfile.ZipFile(partial, "w") as archive:
            for file in compiled:
                archive.write(file, file.relative_to(classes).as_posix())
        os.replace(partial, jar)  # atomic: a concurrent reader sees the whole jar or none
