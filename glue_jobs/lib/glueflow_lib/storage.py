"""Small-object I/O and file listing that work on `s3://` URIs (boto3, on Glue) and local paths (the runtime
translates every s3:// job argument to an absolute local path: glueflow.local.s3)."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Any

HIDDEN_PREFIXES = ("_", ".")  # Spark and Hive skip these: _SUCCESS, .crc files, _temporary/


def is_s3(path: str) -> bool:
    return path.startswith("s3://")


def join(base: str, *parts: str) -> str:
    """Join path parts under `base` with '/', keeping a scheme and adding no double slashes."""
    text = base.rstrip("/")
    for part in parts:
        text = f"{text}/{part.strip('/')}"
    return text


def _split_s3(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


def _s3() -> Any:
    import boto3

    return boto3.client("s3")


def list_files(path: str, suffix: str = "") -> dict[str, int]:
    """{file URI: modification time in ms} for the data files under `path`, recursively, hidden ones skipped.

    Local URIs are `file:///abs/path`, as Spark's input_file_name() reports them, so both can be compared.
    """
    if is_s3(path):
        return _list_s3(path, suffix)
    root = Path(path)
    if root.is_file():
        return {root.resolve().as_uri(): int(root.stat().st_mtime * 1000)}
    found: dict[str, int] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(HIDDEN_PREFIXES))
        for name in sorted(names):
            if name.startswith(HIDDEN_PREFIXES) or not name.endswith(suffix):
                continue
            file = Path(folder, name).resolve()
            found[file.as_uri()] = int(file.stat().st_mtime * 1000)
    return found


def _list_s3(uri: str, suffix: str) -> dict[str, int]:
    bucket, prefix = _split_s3(uri)
    found: dict[str, int] = {}
    for page in _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            name = key.rsplit("/", 1)[-1]
            hidden = any(part.startswith(HIDDEN_PREFIXES) for part in key[len(prefix) :].split("/"))
            if name and not hidden and key.endswith(suffix):
                found[f"s3://{bucket}/{key}"] = int(item["LastModified"].timestamp() * 1000)
    return found


def exists(path: str) -> bool:
    """Whether a file, or any object under a prefix, exists at `path`."""
    if is_s3(path):
        bucket, key = _split_s3(path)
        return bool(_s3().list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1).get("KeyCount", 0))
    return Path(path).exists()


def read_text(path: str) -> str:
    if is_s3(path):
        bucket, key = _split_s3(path)
        return str(_s3().get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8"))
    return Path(path).read_text(encoding="utf-8")


def write_text(path: str, text: str) -> None:
    """Write a small object; locally through a temp file and rename, so a reader never sees half a file."""
    if is_s3(path):
        bucket, key = _split_s3(path)
        _s3().put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"))
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def copy(source: str, target: str) -> None:
    if is_s3(source) and is_s3(target):
        src_bucket, src_key = _split_s3(source)
        bucket, key = _split_s3(target)
        _s3().copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": src_bucket, "Key": src_key})
        return
    if is_s3(source) or is_s3(target):
        raise ValueError(f"copy between s3 and local paths is not supported: {source} → {target}")
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


# --- atomic outputs ----------------------------------------------------------------------------------------
# A job's output is written aside, then swapped in only when the write succeeded, so a crash, a kill -9 or a
# failure at any moment leaves the previous output whole and readable, and the catalog (which names the
# folder, not its files) never points at a half-written or emptied location. On S3 (Glue) objects cannot be
# renamed and Spark's own overwrite is used; the swap is for local paths (the local runtime's buckets).

STAGING_MARK = ".glueflow-staging-"
RETIRED_MARK = ".glueflow-retired-"
FAULT_ENV = "GLUEFLOW_FAULT"  # the fault-injection suite: SIGKILL this process at a named point


def _fault(point: str) -> None:
    if os.environ.get(FAULT_ENV) == point:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def _local(path: str) -> Path:
    return Path(
        path[len("file://") :]
        if path.startswith("file://")
        else path[len("file:") :]
        if path.startswith("file:")
        else path
    )


def _exchange_call() -> Any:
    """renameat2(RENAME_EXCHANGE) on Linux, renamex_np(RENAME_SWAP) on macOS: swap two paths in one step."""
    import ctypes
    import sys

    libc = ctypes.CDLL(None, use_errno=True)
    if sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        return lambda a, b: libc.renamex_np(a, b, 0x2)
    if hasattr(libc, "renameat2"):
        return lambda a, b: libc.renameat2(-100, a, -100, b, 0x2)  # AT_FDCWD, RENAME_EXCHANGE
    return None


def exchange(first: Path, second: Path) -> None:
    """Atomically swap two existing paths (both stay valid at every instant).

    Hand-written with ctypes because the standard library has no RENAME_EXCHANGE; where the kernel lacks it the
    swap falls back to two renames, with a window of microseconds in which `second` does not exist."""
    call = _exchange_call()
    if call is not None and call(os.fsencode(first), os.fsencode(second)) == 0:
        return
    aside = second.with_name(f".{second.name}{RETIRED_MARK}swap")
    os.rename(second, aside)
    os.rename(first, second)
    os.rename(aside, first)


def _staging_path(target: Path) -> Path:
    import uuid

    return target.with_name(f".{target.name}{STAGING_MARK}{uuid.uuid4().hex[:12]}")


def _publish(staging: Path, target: Path) -> None:
    """Make `staging` the content of `target` in one atomic step, then drop what it replaced."""
    if not target.exists():
        os.rename(staging, target)  # atomic; nothing to preserve
        return
    exchange(staging, target)
    retired = target.with_name(f".{target.name}{RETIRED_MARK}{staging.name[-12:]}")
    os.rename(staging, retired)  # `staging` now holds the previous output
    shutil.rmtree(retired, ignore_errors=True)


def _clear_leftovers(target: Path) -> None:
    """Staging folders of writes that crashed (they are hidden, so no reader ever saw them)."""
    for leftover in target.parent.glob(f".{target.name}.glueflow-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def write_atomically(path: str, write: Any, *, partitioned: bool = False) -> None:
    """Call `write(staging_path)` to produce the new output, then swap it in at `path`.

    Without `partitioned` the whole folder is replaced at once. With it (dynamic partition overwrite), each
    partition folder written (`day=2024-01-15/`, nested ones too) replaces its namesake atomically and the other
    partitions stay. If `write` raises or the process dies, `path` is untouched; if it returns False (it found
    nothing to write), nothing is published either. s3:// paths are written in place.
    """
    if is_s3(path):
        write(path)
        return
    target = _local(path.rstrip("/"))
    created = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    _clear_leftovers(target)
    staging = _staging_path(target)
    try:
        published = write(str(staging)) is not False
        if published:
            _fault("write.before_swap")
            if partitioned:
                _publish_partitions(staging, target)
            else:
                _publish(staging, target)
            _fault("write.after_swap")
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    for folder in created if not published else []:  # deepest first: made only for a write that left nothing
        with contextlib.suppress(OSError):
            folder.rmdir()


def _partition_folders(root: Path) -> list[Path]:
    """The deepest `key=value` folders under `root` (the partitions a write produced)."""
    leaves = []
    for folder, dirs, _ in os.walk(root):
        dirs[:] = [d for d in dirs if "=" in d and not d.startswith(HIDDEN_PREFIXES)]
        here = Path(folder)
        if here != root and not dirs:
            leaves.append(here)
    return leaves


def _publish_partitions(staging: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for partition in _partition_folders(staging):
        destination = target / partition.relative_to(staging)
        destination.parent.mkdir(parents=True, exist_ok=True)
        _publish(partition, destination)
        _fault("write.between_partitions")
    for marker in staging.glob("_SUCCESS"):
        os.replace(marker, target / marker.name)
