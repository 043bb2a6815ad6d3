"""Local S3: `s3://<bucket>/<key>` ↔ `<state_dir>/s3/<bucket>/<key>`.

Job arguments and crawler targets are translated at launch so scripts see paths they can read.
"""

from __future__ import annotations

import re
from pathlib import Path

_S3_URL = re.compile(r"^s3a?://(?P<bucket>[^/]+)/?(?P<key>.*)$")
_PARENT = re.compile(r"(^|/)\.\.(/|$)")


class LocalS3:
    """Maps S3 URLs to files under one state directory."""

    def __init__(self, state_dir: Path) -> None:
        self.root = (state_dir / "s3").resolve()

    def bucket_path(self, bucket: str) -> Path:
        return self.root / bucket

    def local_path(self, url: str) -> str:
        """The absolute local path of `url`; a trailing slash is preserved. Non-S3 values pass through.

        A bucket or key with a `..` segment is refused (ValueError): it would leave the state dir."""
        match = _S3_URL.match(url)
        if not match:
            return url
        key = match["key"]
        if _PARENT.search(f"{match['bucket']}/{key}") or match["bucket"] in (".", ".."):
            raise ValueError(f"{url[:200]!r} has a '..' segment: local S3 paths stay inside {self.root}")
        base = str(self.root / match["bucket"])
        return f"{base}/{key}" if key else (base + "/" if url.endswith("/") else base)

    def s3_url(self, path: Path | str) -> str:
        """The s3:// URL of a local path under the S3 root (inverse of `local_path`)."""
        relative = Path(path).resolve().relative_to(self.root).as_posix()
        bucket, _, key = relative.partition("/")
        suffix = "/" if str(path).endswith("/") and key else ""
        return f"s3://{bucket}/{key}{suffix}"

    def translate_arguments(self, arguments: dict[str, str]) -> dict[str, str]:
        """Every s3:// value (comma-separated lists too, as in --extra-py-files) → its local path."""
        return {k: self.translate_value(v) for k, v in arguments.items()}

    def translate_value(self, value: str) -> str:
        if "s3://" not in value and "s3a://" not in value:
            return value
        return ",".join(self.local_path(part) for part in value.split(","))
