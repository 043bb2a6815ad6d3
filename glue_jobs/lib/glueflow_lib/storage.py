"""Small-object I/O and file listing that work on `s3://` URIs (boto3, on Glue) and local paths (the runtime
translates every s3:// job argument to an absolute local path, contract 4)."""

from __future__ import annotations

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
