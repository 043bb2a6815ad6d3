"""Start a Glue workflow run for S3 `ObjectCreated` events, once per object version.

Configuration (environment variables, set by the Terraform `lambda_starter` module):
  WORKFLOW_NAME          the Glue workflow to start (required)
  KEY_PREFIX, KEY_SUFFIX only keys under the prefix and ending with the suffix start a run (default: all)
  IDEMPOTENCY_BUCKET     bucket for the idempotency markers (S3 conditional writes)
  IDEMPOTENCY_PREFIX     key prefix of the markers (default "idempotency/start_workflow/")
  IDEMPOTENCY_DIR        a directory for file markers instead of S3 (glueflow's local watcher sets this)
  IDEMPOTENCY_STALE_SECONDS  the claim lease: a marker still "pending" after this long belongs to a dead
                         invocation and is taken over (default 45; must be below the function timeout, so that
                         Lambda's retry of a timed-out invocation finds the lease expired)
  GLUE_CALL_BUDGET_SECONDS  the longest one StartWorkflowRun may take with GLUE_CONFIG (default 21); a claim
                         older than the lease minus this is released rather than used
  AWS_ENDPOINT_URL_GLUE  (botocore's own variable) a Glue endpoint, e.g. glueflow's local one

One invocation starts one workflow run per bucket for all new objects in it, with run properties naming them.
Each object version is claimed first by a marker written with a conditional put (`If-None-Match: *`), so a
redelivered event finds the marker and starts nothing. When StartWorkflowRun fails, the markers are released and
the handler raises, so Lambda's retry (then the DLQ) gets the event again: nothing is lost. A marker another
invocation holds ("pending", lease not expired) is not a duplicate yet: the handler raises for it too, so the
retry either finds it "started" or takes the expired lease over. Glue calls are bounded (GLUE_CONFIG) so that a
claim is used well inside its lease; a claim too old to start safely is released instead. A corrupt marker is
taken over like a released one. A malformed event or record is logged and reported in the result, never raised,
so it cannot cause a retry loop.

Only boto3 (in the Lambda runtime) is needed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

LOG = logging.getLogger("start_workflow")
LOG.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

DEFAULT_MARKER_PREFIX = "idempotency/start_workflow/"
DEFAULT_STALE_SECONDS = 45.0  # the claim lease; Terraform sets it to the function timeout minus 10 s
# Glue stores run properties as strings; keep the key list well inside what the console and API handle comfortably.
MAX_PROPERTY_CHARS = 8000
# Bounded so one StartWorkflowRun fits well inside the lease: 2 attempts x (2 s connect + 8 s read) + backoff.
GLUE_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 2}, connect_timeout=2, read_timeout=8)
GLUE_CALL_BUDGET_SECONDS = 21.0
S3_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=5)


class WorkflowStartError(RuntimeError):
    """StartWorkflowRun failed for some objects; their markers were released so a retry can start them."""


class ClaimInFlight(RuntimeError):
    """Another invocation holds the claim of some objects: raise so Lambda retries after its lease."""


def log_event(level: int, message: str, **fields: Any) -> None:
    """One JSON object per log line, so CloudWatch Logs Insights can query every field."""
    LOG.log(level, json.dumps({"message": message, **fields}, default=str, sort_keys=True))


# --- configuration -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    workflow_name: str
    key_prefix: str = ""
    key_suffix: str = ""
    idempotency_bucket: str | None = None
    idempotency_prefix: str = DEFAULT_MARKER_PREFIX
    idempotency_dir: str | None = None
    stale_seconds: float = DEFAULT_STALE_SECONDS
    start_budget_seconds: float = GLUE_CALL_BUDGET_SECONDS
    glue_endpoint_url: str | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        workflow = environ.get("WORKFLOW_NAME", "").strip()
        if not workflow:
            raise ValueError("WORKFLOW_NAME is not set: the function does not know which workflow to start")
        if not environ.get("IDEMPOTENCY_DIR") and not environ.get("IDEMPOTENCY_BUCKET"):
            raise ValueError("set IDEMPOTENCY_BUCKET (S3 markers) or IDEMPOTENCY_DIR (file markers)")
        prefix = environ.get("IDEMPOTENCY_PREFIX") or DEFAULT_MARKER_PREFIX
        return cls(
            workflow_name=workflow,
            key_prefix=environ.get("KEY_PREFIX", ""),
            key_suffix=environ.get("KEY_SUFFIX", ""),
            idempotency_bucket=environ.get("IDEMPOTENCY_BUCKET") or None,
            idempotency_prefix=prefix if prefix.endswith("/") else prefix + "/",
            idempotency_dir=environ.get("IDEMPOTENCY_DIR") or None,
            stale_seconds=float(environ.get("IDEMPOTENCY_STALE_SECONDS") or DEFAULT_STALE_SECONDS),
            start_budget_seconds=float(environ.get("GLUE_CALL_BUDGET_SECONDS") or GLUE_CALL_BUDGET_SECONDS),
            glue_endpoint_url=environ.get("AWS_ENDPOINT_URL_GLUE") or None,
        )


# --- events ------------------------------------------------------------------------------------------------


class MalformedRecord(ValueError):
    """A record that is not an S3 event record we can act on."""


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    version: str  # versionId, else the event's sequencer (unique per write), else the ETag
    size: int | None

    @property
    def identity(self) -> str:
        return f"{self.bucket}/{self.key}@{self.version}"

    def as_dict(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "key": self.key, "version": self.version}


def parse_record(record: Any) -> tuple[str, S3Object]:
    """(eventName, object) of one S3 notification record; keys arrive URL-encoded with '+' for spaces."""
    if not isinstance(record, dict):
        raise MalformedRecord("record is not an object")
    name = record.get("eventName")
    s3 = record.get("s3")
    if not isinstance(name, str) or not isinstance(s3, dict):
        raise MalformedRecord("record has no eventName or s3 section")
    bucket = (s3.get("bucket") or {}).get("name") if isinstance(s3.get("bucket"), dict) else None
    obj = s3.get("object")
    if not isinstance(bucket, str) or not bucket or not isinstance(obj, dict):
        raise MalformedRecord("record has no s3.bucket.name or s3.object")
    raw_key = obj.get("key")
    if not isinstance(raw_key, str) or not raw_key:
        raise MalformedRecord("record has no s3.object.key")
    version = obj.get("versionId") or obj.get("sequencer") or obj.get("eTag")
    if not isinstance(version, str) or not version:
        raise MalformedRecord("record has no versionId, sequencer or eTag to tell object versions apart")
    size = obj.get("size")
    return name, S3Object(bucket, unquote_plus(raw_key), version, size if isinstance(size, int) else None)


# --- idempotency markers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    body: dict[str, Any]
    etag: str


class S3Markers:
    """Markers as S3 objects. Needs only s3:PutObject and s3:GetObject on the prefix (no delete): a release
    overwrites the marker with state "released", and a later claim takes it over with `If-Match`."""

    def __init__(self, s3: Any, bucket: str, prefix: str) -> None:
        self.s3, self.bucket, self.prefix = s3, bucket, prefix

    def create(self, name: str, body: dict[str, Any]) -> bool:
        return self._put(name, body, IfNoneMatch="*")

    def replace(self, name: str, body: dict[str, Any], etag: str) -> bool:
        return self._put(name, body, IfMatch=etag)

    def overwrite(self, name: str, body: dict[str, Any]) -> None:
        self._put(name, body)

    def get(self, name: str) -> Marker | None:
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=self.prefix + name)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return None
            raise
        return Marker(_marker_body(response["Body"].read()), response["ETag"])

    def _put(self, name: str, body: dict[str, Any], **condition: str) -> bool:
        try:
            self.s3.put_object(
                Bucket=self.bucket,
                Key=self.prefix + name,
                Body=json.dumps(body, sort_keys=True).encode(),
                ContentType="application/json",
                **condition,
            )
        except ClientError as exc:
            # 412: the condition failed; 409: a concurrent conditional write to the same key won the race.
            if exc.response["Error"]["Code"] in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise
        return True


class DirectoryMarkers:
    """The same marker semantics on a local directory: O_EXCL create for `If-None-Match`, and an flock'd
    compare-and-swap for `If-Match`. Used by glueflow's local watcher, which has no S3 API to talk to."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def create(self, name: str, body: dict[str, Any]) -> bool:
        # Write aside, then hard-link into place: link() fails if the name exists, and readers never see a
        # half-written marker (an O_EXCL create would be visible before its content).
        temporary = self._write_aside(name, body)
        try:
            os.link(temporary, self.directory / name)
        except FileExistsError:
            return False
        finally:
            temporary.unlink()
        return True

    def get(self, name: str) -> Marker | None:
        try:
            text = (self.directory / name).read_text()
        except FileNotFoundError:
            return None
        return Marker(_marker_body(text), hashlib.md5(text.encode()).hexdigest())

    def replace(self, name: str, body: dict[str, Any], etag: str) -> bool:
        import fcntl  # POSIX only; glueflow's local runtime runs on Linux and macOS

        with open(self.directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = self.get(name)
            if current is None or current.etag != etag:
                return False
            self.overwrite(name, body)
            return True

    def overwrite(self, name: str, body: dict[str, Any]) -> None:
        os.replace(self._write_aside(name, body), self.directory / name)

    def _write_aside(self, name: str, body: dict[str, Any]) -> Path:
        handle, path = tempfile.mkstemp(prefix=f".{name}.", dir=self.directory)
        with os.fdopen(handle, "w") as stream:
            json.dump(body, stream, sort_keys=True)
        return Path(path)


def _marker_body(raw: str | bytes) -> dict[str, Any]:
    """A marker's JSON; one that cannot be read (truncated, edited) is "corrupt" and claimable again."""
    try:
        body = json.loads(raw)
    except ValueError:
        return {"state": "corrupt"}
    return body if isinstance(body, dict) else {"state": "corrupt"}


def marker_name(obj: S3Object) -> str:
    """A fixed-length name per object version (S3 keys can be 1024 bytes; the marker prefix adds more)."""
    return hashlib.sha256(obj.identity.encode()).hexdigest() + ".json"


@dataclass
class Claim:
    obj: S3Object
    name: str
    duplicate_of: dict[str, Any] | None = None  # the existing marker when this version was already handled


def claim(markers: Any, obj: S3Object, stale_seconds: float, now: float) -> Claim:
    """Claim one object version; a marker left "released", "corrupt" or "pending" past its lease is taken over
    atomically (a conditional write on the marker's ETag)."""
    name = marker_name(obj)
    pending = {"state": "pending", "claimed_at": now, **obj.as_dict()}
    if markers.create(name, pending):
        return Claim(obj, name)
    existing = markers.get(name)
    if existing is None:  # released and removed between our two calls; try once more
        return Claim(obj, name) if markers.create(name, pending) else Claim(obj, name, {"state": "pending"})
    body = existing.body
    stale = body.get("state") == "pending" and now - _number(body.get("claimed_at")) > stale_seconds
    if (body.get("state") in ("released", "corrupt") or stale) and markers.replace(name, pending, existing.etag):
        return Claim(obj, name)
    return Claim(obj, name, body)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


# --- the handler -------------------------------------------------------------------------------------------


@dataclass
class Result:
    started: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    in_flight: list[dict[str, Any]] = field(default_factory=list)  # claimed by another invocation: retried

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "started": self.started,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "in_flight": self.in_flight,
        }


def run_properties(bucket: str, objects: list[S3Object]) -> dict[str, str]:
    """Glue run property values are strings: lists travel as JSON. Past the size budget the key list is cut and
    `source_keys_truncated` says so (the job can list the prefix instead)."""
    keys = [o.key for o in objects]
    properties = {
        "source_bucket": bucket,
        "source_key": keys[0],
        "source_keys": json.dumps(keys),
        "source_versions": json.dumps([o.version for o in objects]),
        "source_object_count": str(len(objects)),
        "started_by": "s3-event",
    }
    while len(properties["source_keys"]) > MAX_PROPERTY_CHARS and len(keys) > 1:
        keys = keys[: len(keys) // 2]
        properties["source_keys"] = json.dumps(keys)
        properties["source_versions"] = json.dumps([o.version for o in objects[: len(keys)]])
        properties["source_keys_truncated"] = "true"
    return properties


def handle(
    event: Any, settings: Settings, glue: Any, markers: Any, now: Callable[[], float] = time.time
) -> dict[str, list[dict[str, Any]]]:
    """Process one S3 notification event; see the module docstring for the contract."""
    result = Result()
    records = _records(event, result)
    accepted = _accepted_objects(records, settings, result)
    claimed_at = now()
    claims = _claims(accepted, settings, markers, claimed_at, result)
    failures = [
        failure
        for bucket, group in _by_bucket(claims).items()
        if (failure := _start(bucket, group, settings, glue, markers, now(), result, claimed_at))
    ]
    log_event(
        logging.INFO,
        "event handled",
        workflow=settings.workflow_name,
        **{k: len(v) for k, v in result.as_dict().items()},
    )
    if failures:
        raise WorkflowStartError("; ".join(failures))
    if result.in_flight:
        keys = ", ".join(f"{o['bucket']}/{o['key']}" for o in result.in_flight)
        raise ClaimInFlight(f"{len(result.in_flight)} object(s) claimed by another invocation, retry later: {keys}")
    return result.as_dict()


def _records(event: Any, result: Result) -> list[Any]:
    if isinstance(event, dict) and event.get("Event") == "s3:TestEvent":
        result.skipped.append({"reason": "s3:TestEvent (sent when the notification is configured)"})
        return []
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        error = {"reason": "malformed event: expected an object with a 'Records' list", "event": _preview(event)}
        log_event(logging.ERROR, "rejected malformed event", **error)
        result.errors.append(error)
        return []
    return records


def _accepted_objects(records: Iterable[Any], settings: Settings, result: Result) -> list[S3Object]:
    accepted: dict[str, S3Object] = {}
    for index, record in enumerate(records):
        try:
            event_name, obj = parse_record(record)
        except MalformedRecord as exc:
            error = {"record": index, "reason": f"malformed record: {exc}", "value": _preview(record)}
            log_event(logging.ERROR, "rejected malformed record", **error)
            result.errors.append(error)
            continue
        reason = _skip_reason(event_name, obj.key, settings)
        if reason:
            result.skipped.append({**obj.as_dict(), "reason": reason})
            continue
        accepted.setdefault(obj.identity, obj)  # the same version twice in one event starts it once
    return list(accepted.values())


def _skip_reason(event_name: str, key: str, settings: Settings) -> str | None:
    if not event_name.startswith("ObjectCreated:"):
        return f"event {event_name} is not ObjectCreated"
    if key.endswith("/"):
        return "folder placeholder"
    if not key.startswith(settings.key_prefix):
        return f"key is outside prefix '{settings.key_prefix}'"
    if not key.endswith(settings.key_suffix):
        return f"key does not end with '{settings.key_suffix}'"
    return None


def _claims(objects: list[S3Object], settings: Settings, markers: Any, now: float, result: Result) -> list[Claim]:
    claims = []
    for obj in objects:
        item = claim(markers, obj, settings.stale_seconds, now)
        if item.duplicate_of is None:
            claims.append(item)
            continue
        duplicate = {
            **obj.as_dict(),
            "state": item.duplicate_of.get("state"),
            "run_id": item.duplicate_of.get("run_id"),
        }
        if duplicate["state"] == "pending":  # not started yet: the holder may die, so this is no duplicate
            log_event(logging.INFO, "object claimed by another invocation", **duplicate)
            result.in_flight.append(duplicate)
            continue
        log_event(logging.INFO, "duplicate delivery ignored", **duplicate)
        result.duplicates.append(duplicate)
    return claims


def _by_bucket(claims: list[Claim]) -> dict[str, list[Claim]]:
    groups: dict[str, list[Claim]] = {}
    for item in claims:
        groups.setdefault(item.obj.bucket, []).append(item)
    return groups


def _start(
    bucket: str,
    group: list[Claim],
    settings: Settings,
    glue: Any,
    markers: Any,
    now: float,
    result: Result,
    claimed_at: float | None = None,
) -> str | None:
    """Start one run for the bucket's objects; on failure release their markers and return the reason."""
    objects = [c.obj for c in group]
    try:
        if claimed_at is not None and now - claimed_at + settings.start_budget_seconds > settings.stale_seconds:
            # The call might outlive the lease, and another invocation could then take the claim over and start
            # a second run: give the claim back and let the retry start it.
            raise TimeoutError(f"claim lease of {settings.stale_seconds:g}s too close to expiry to start safely")
        response = glue.start_workflow_run(Name=settings.workflow_name, RunProperties=run_properties(bucket, objects))
    except Exception as exc:
        for item in group:
            markers.overwrite(
                item.name, {"state": "released", "released_at": now, "error": str(exc)[:500], **item.obj.as_dict()}
            )
        reason = f"StartWorkflowRun {settings.workflow_name} failed for {len(objects)} object(s) in {bucket}: {exc}"
        log_event(
            logging.ERROR,
            "workflow start failed; markers released for a retry",
            workflow=settings.workflow_name,
            error=str(exc),
            objects=[o.as_dict() for o in objects],
        )
        return reason
    run_id = response["RunId"]
    for item in group:
        markers.overwrite(item.name, {"state": "started", "run_id": run_id, "started_at": now, **item.obj.as_dict()})
    started = {"workflow": settings.workflow_name, "run_id": run_id, "bucket": bucket, "keys": [o.key for o in objects]}
    log_event(logging.INFO, "workflow run started", **started)
    result.started.append(started)
    return None


def _preview(value: Any) -> str:
    return json.dumps(value, default=str)[:300]


# --- the Lambda entry point --------------------------------------------------------------------------------


def build_handler(environ: Mapping[str, str]) -> Callable[[Any, Any], dict[str, list[dict[str, Any]]]]:
    """A handler bound to `environ` and its own boto3 clients (glueflow's watcher passes its own mapping)."""
    settings = Settings.from_environ(environ)
    # Credentials and region come from `environ` when it names them, else from boto3's usual chain.
    session = boto3.session.Session(
        aws_access_key_id=environ.get("AWS_ACCESS_KEY_ID"),
        aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY"),
        aws_session_token=environ.get("AWS_SESSION_TOKEN"),
        region_name=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION"),
    )
    glue = session.client("glue", endpoint_url=settings.glue_endpoint_url, config=GLUE_CONFIG)
    if settings.idempotency_dir:
        markers: Any = DirectoryMarkers(settings.idempotency_dir)
    else:
        markers = S3Markers(
            session.client("s3", config=S3_CONFIG), str(settings.idempotency_bucket), settings.idempotency_prefix
        )

    def bound(event: Any, context: Any = None) -> dict[str, list[dict[str, Any]]]:
        return handle(event, settings, glue, markers)

    return bound


_handler: Callable[[Any, Any], dict[str, list[dict[str, Any]]]] | None = None


def lambda_handler(event: Any, context: Any) -> dict[str, list[dict[str, Any]]]:
    """AWS Lambda entry point (`handler.lambda_handler`); clients are built once per container."""
    global _handler
    if _handler is None:
        _handler = build_handler(os.environ)
    return _handler(event, context)
