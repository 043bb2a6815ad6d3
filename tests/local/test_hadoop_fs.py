"""glueflow's local Hadoop FileSystem (glueflow/local/hadoop_fs.py): compiled once with Spark's own Janino, it
writes what Hadoop's LocalFileSystem writes, with the same permissions, and serves file:// and mounted s3:// paths."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from glueflow.local import hadoop_fs
from glueflow.local.java import java_home
from glueflow.settings import Settings

pytestmark = pytest.mark.spark


def _modes(root: Path) -> dict[str, int]:
    """Permission bits of every file and folder under `root`, by relative path, Spark's random names replaced."""
    modes = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            shape = "file" if path.is_file() else "dir"
            kind = "crc" if name.endswith(".crc") else "marker" if name.startswith("_") else "data"
            key = f"{path.parent.relative_to(root)}/{shape}:{kind}"
            modes[key] = stat.S_IMODE(path.stat().st_mode)
    return modes


def test_the_jar_is_built_once_and_holds_the_file_system(tmp_path: Path) -> None:
    jar = hadoop_fs.ensure_jar(tmp_path, java_home())
    assert jar is not None and jar.is_file()
    import zipfile

    with zipfile.ZipFile(jar) as archive:
        assert "glueflow/hadoop/FastLocalFileSystem.class" in archive.namelist()
    built = jar.stat().st_mtime_ns
    assert hadoop_fs.ensure_jar(tmp_path, java_home()) == jar
    assert jar.stat().st_mtime_ns == built  # cached, not rebuilt
    assert hadoop_fs.environment(Settings(cache_dir=tmp_path)) == {hadoop_fs.JAR_ENV: str(jar)}
    assert hadoop_fs.environment(Settings(cache_dir=tmp_path, spark_fast_fs=False)) == {}


def test_a_jar_that_cannot_be_built_leaves_hadoops_file_system(tmp_path: Path) -> None:
    assert hadoop_fs.ensure_jar(tmp_path, tmp_path / "no-java") is None
    assert hadoop_fs.spark_conf(None) == {}
    assert hadoop_fs.spark_conf(str(tmp_path / "missing.jar")) == {}


@pytest.fixture
def file_system(spark: Any) -> Any:
    """The FileSystem the test session serves file:// paths with: glueflow's (else the test is skipped)."""
    configuration = spark.sparkContext._jsc.hadoopConfiguration()
    if configuration.get("fs.file.impl") != hadoop_fs.FILE_SYSTEM_CLASS:
        pytest.skip("the test session runs without glueflow's FileSystem (GLUEFLOW_SPARK_FAST_FS=off)")
    jvm = spark.sparkContext._jvm
    return jvm.org.apache.hadoop.fs.FileSystem.get(jvm.java.net.URI("file:///"), configuration)


def test_the_session_writes_through_it_with_hadoops_permissions(spark: Any, file_system: Any, tmp_path: Path) -> None:
    assert file_system.getClass().getName() == hadoop_fs.FILE_SYSTEM_CLASS
    configuration = spark.sparkContext._jsc.hadoopConfiguration()

    df = spark.createDataFrame([(1, "2024-01-01"), (2, "2024-01-02"), (3, "2024-01-02")], "id int, day string")
    ours = tmp_path / "ours"
    df.write.partitionBy("day").parquet(str(ours))
    # The same write through Hadoop's own LocalFileSystem (which forks chmod), for comparison.
    configuration.set("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem")
    configuration.set("fs.file.impl.disable.cache", "true")
    try:
        theirs = tmp_path / "theirs"
        df.write.partitionBy("day").parquet(str(theirs))
    finally:
        configuration.set("fs.file.impl", hadoop_fs.FILE_SYSTEM_CLASS)
        configuration.unset("fs.file.impl.disable.cache")
    assert _modes(ours) == _modes(theirs)
    assert any(name.endswith(".crc") for _, _, files in os.walk(ours) for name in files)  # still checksummed
    assert sorted(r.id for r in spark.read.parquet(str(ours)).collect()) == [1, 2, 3]


def test_a_sticky_mode_still_goes_through_chmod(spark: Any, file_system: Any, tmp_path: Path) -> None:
    jvm = spark.sparkContext._jvm
    folder = tmp_path / "shared"
    folder.mkdir()
    path = jvm.org.apache.hadoop.fs.Path(folder.as_uri())
    file_system.setPermission(path, jvm.org.apache.hadoop.fs.permission.FsPermission(jvm.java.lang.Short(0o1777)))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o1777
    file_system.setPermission(path, jvm.org.apache.hadoop.fs.permission.FsPermission(jvm.java.lang.Short(0o750)))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750
