"""`s3://`, `s3a://` and `s3n://` paths inside Spark jobs → the local bucket folders, by Hadoop configuration.

A script builds its own paths (`f"s3://{bucket}/output/"`), so translating job arguments is not enough. Hadoop's
`ViewFileSystemOverloadScheme` (in the hadoop-client jars Spark ships) serves a scheme through a mount table per
URI authority, i.e. per bucket: `fs.viewfs.mounttable.<bucket>.linkFallback = file://<state>/s3/<bucket>` sends
every path of the bucket to its folder. `linkFallback` and not `linkMergeSlash`: with a merge-slash root the
committer's `_temporary` paths were resolved against the view's home directory (`/user/<name>`), outside the
bucket; with a fallback every absolute path keeps its own location. Only Hadoop's own classes are needed here,
so a bare JRE works.

A bucket without a folder has no mount table, so Hadoop fails with "Could not initialize target File System for
URI : s3://<bucket>/" — the local form of S3's NoSuchBucket.

Only the standard library is imported here: this module runs inside job processes (see launcher.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCHEMES = ("s3", "s3a", "s3n")
_VIEW_FS = "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme"


def hadoop_settings(s3_root: Path, file_system: str | None = None) -> dict[str, str]:
    """The Hadoop settings that mount every bucket folder under `s3_root` on s3://, s3a:// and s3n://, whose
    folders are opened with `file_system` (a checksummed local FileSystem class; default Hadoop's own)."""
    settings = {f"fs.{scheme}.impl": _VIEW_FS for scheme in SCHEMES}
    settings.update({f"fs.{scheme}.impl.disable.cache": "true" for scheme in SCHEMES})
    # The view opens its targets (file://) by scheme; a plain LocalFileSystem keeps Hadoop's checksummed writes.
    settings["fs.viewfs.overload.scheme.target.file.impl"] = file_system or "org.apache.hadoop.fs.LocalFileSystem"
    # core-default.xml names S3A's own committer for s3a:// outputs; its classes are not in Spark's jars, and the
    # classic FileOutputCommitter is what a local filesystem wants anyway.
    settings["mapreduce.outputcommitter.factory.scheme.s3a"] = (
        "org.apache.hadoop.mapreduce.lib.output.FileOutputCommitterFactory"
    )
    root = s3_root.resolve()
    if root.is_dir():
        for bucket in sorted(p.name for p in root.iterdir() if p.is_dir()):
            settings[f"fs.viewfs.mounttable.{bucket}.linkFallback"] = (root / bucket).as_uri()
    return settings


def mount_buckets(spark: Any, s3_root: Path) -> None:
    """Apply `hadoop_settings` to a running session, and to any SparkContext the job creates later in this JVM.

    The live Hadoop configuration serves the session already built (a warm spare's); `spark.hadoop.*` Java system
    properties are read by every new SparkConf, so a script that stops the session and builds its own keeps them.
    """
    jvm = spark.sparkContext._jvm
    configuration = spark.sparkContext._jsc.hadoopConfiguration()
    file_system = configuration.get("fs.file.impl")  # glueflow's (hadoop_fs.py) when the session has it
    for key, value in hadoop_settings(s3_root, file_system).items():
        configuration.set(key, value)
        jvm.java.lang.System.setProperty(f"spark.hadoop.{key}", value)
