"""Upload files into an env's data-lake bucket: S3 through boto3 on AWS, the local bucket folder otherwise.

Local files appear atomically (written aside, then renamed), so the upload watcher never sees half a file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from glueflow.errors import GlueflowError
from glueflow.spec.deployment import Deployment
from glueflow.spec.resolved import Buckets, TfVars

UPLOAD_BUCKETS = ("raw", "processed", "temp")
PARTIAL_PREFIX = ".glueflow-partial-"  # local in-flight uploads; the watcher ignores dot-files
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    source: Path
    bucket: str
    key: str

    @property
    def size(self) -> int:
        return self.source.stat().st_size

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def default_destination(tfvars: TfVars, pipeline: str | None) -> str:
    """`raw/<prefix>` of the pipeline that starts on uploads (if exactly one does), else `raw/`."""
    candidates = [
        (name, p.upload_starter.prefix)
        for name, p in tfvars.pipelines.items()
        if p.upload_starter and p.upload_starter.bucket_name == tfvars.environment.buckets.raw
    ]
    if pipeline is not None:
        candidates = [c for c in candidates if c[0] == pipeline]
    return f"raw/{candidates[0][1]}" if len(candidates) == 1 else "raw/"


def parse_destination(text: str, buckets: Buckets) -> tuple[str, str]:
    """`raw/incoming/` (a logical bucket and a folder) or `s3://<one of the env's buckets>/<folder>/` →
    (bucket name, key prefix ending in '/' or empty)."""
    if text.startswith("s3://"):
        bucket, _, prefix = text[len("s3://") :].partition("/")
        known = {buckets.by_logical_name(name) for name in UPLOAD_BUCKETS}
        if bucket not in known:
            raise GlueflowError(
                f"--to {text}: '{bucket}' is not a data bucket of this env", hint=_buckets_hint(buckets)
            )
    else:
        logical, _, prefix = text.partition("/")
        if logical not in UPLOAD_BUCKETS:
            raise GlueflowError(f"--to {text}: unknown bucket '{logical}'", hint=_buckets_hint(buckets))
        bucket = buckets.by_logical_name(logical)
    prefix = prefix.strip("/")
    if any(part in ("..", ".") for part in PurePosixPath(prefix).parts):
        raise GlueflowError(f"--to {text}: a folder may not contain '.' or '..'")
    return bucket, f"{prefix}/" if prefix else ""


def _buckets_hint(buckets: Buckets) -> str:
    return "use raw/<folder>/, processed/<folder>/ or temp/<folder>/ (or s3://" + buckets.raw + "/<folder>/)"


def plan_uploads(paths: list[Path], bucket: str, prefix: str) -> list[Upload]:
    """One Upload per file; a folder uploads its files under their relative paths (like `aws s3 cp --recursive`).
    Every missing path is named in one error, before anything is uploaded."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise GlueflowError(f"no such file: {', '.join(missing)}", hint="nothing was uploaded")
    uploads = []
    for path in paths:
        if path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith("."))
            uploads += [Upload(f, bucket, prefix + f.relative_to(path).as_posix()) for f in files]
        else:
            uploads.append(Upload(path, bucket, prefix + path.name))
    if not uploads:
        raise GlueflowError("nothing to upload: the folders given hold no files")
    return uploads


Progress = Callable[[int], None]


def upload_local(uploads: list[Upload], deployment: Deployment, advance: Progress) -> list[Path]:
    """Copy into `<state_dir>/s3/<bucket>/<key>`; each file appears complete, in one rename."""
    root = deployment.state_dir / "s3"
    written = []
    for upload in uploads:
        target = root / upload.bucket / upload.key
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as sink, upload.source.open("rb") as source:
                while chunk := source.read(_CHUNK):
                    sink.write(chunk)
                    advance(len(chunk))
            shutil.copystat(upload.source, partial)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


def upload_s3(uploads: list[Upload], s3: Any, advance: Progress) -> None:
    """boto3's managed transfer (multipart for big files). The bucket's default encryption (the env's KMS key)
    applies, so no SSE header is sent: `aws:kms` without a key id would pick the account's AWS-managed key."""
    for upload in uploads:
        s3.upload_file(str(upload.source), upload.bucket, upload.key, Callback=advance)


@dataclass(frozen=True)
class Reader:
    """A folder some pipeline reads: a crawler's S3 target, or an s3:// job argument."""

    url: str  # s3://bucket/prefix/ (or a file a job argument names)
    by: str  # "sales_analytics crawler raw", "sales_analytics job process_sales --SALES_PATH"


def readers(tfvars: TfVars, bucket: str) -> list[Reader]:
    """Every place in `bucket` that a pipeline's crawlers or jobs read (job arguments: their s3:// values)."""
    found = []
    for key, pipeline in tfvars.pipelines.items():
        for logical, crawler in pipeline.crawlers.items():
            found += [Reader(t.path, f"{key} crawler {logical}") for t in crawler.s3_targets]
        for logical, job in pipeline.jobs.items():
            for name, value in {**job.default_arguments, **job.non_overridable_arguments}.items():
                for part in value.split(","):
                    if part.startswith("s3://"):
                        found.append(Reader(part, f"{key} job {logical} {name}"))
    return [r for r in found if r.url.startswith(f"s3://{bucket}/")]


def unread(uploads: list[Upload], tfvars: TfVars) -> tuple[list[Upload], list[Reader]]:
    """The uploads no crawler or job of the env would read, and the readers of their bucket (to name them)."""
    if not uploads:
        return [], []
    bucket_readers = readers(tfvars, uploads[0].bucket)
    missed = [u for u in uploads if not any(_under(u.url, r.url) for r in bucket_readers)]
    return missed, bucket_readers


def _under(url: str, reader: str) -> bool:
    return url == reader or url.startswith(reader if reader.endswith("/") else reader + "/")
