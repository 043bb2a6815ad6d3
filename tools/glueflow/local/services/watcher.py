"""Turn new files in the local buckets into S3 `ObjectCreated:Put` events, as S3 would deliver them.

Two consumers, as on AWS:
- a pipeline's `start_on_upload` Lambda (`lambda/start_workflow/handler.py`), called in-process with the local
  Glue endpoint as its Glue endpoint and file-based idempotency markers; a handler error is retried twice with
  backoff (Lambda's asynchronous retries, shortened) and then written to a dead-letter file, so nothing is lost;
- a workflow whose start trigger is EVENT (EventBridge → Glue on AWS): events are batched per trigger and the run
  starts when BatchSize events have arrived or BatchWindow seconds have passed since the first, whichever comes
  first; the run records `StartingEventBatchCondition` and the `aws:eventIds` run property.

Detection is a portable poll of `<state_dir>/s3/<bucket>/`: inotify close events do not exist on macOS, and a file
copied in place must be seen twice with the same size and mtime before it counts, so half a file never fires.
Dot-files (in-flight `glueflow ingest` uploads) are ignored. The files seen are remembered in
`<state_dir>/watcher/seen.json`, so uploads made while `serve` was down fire when it starts again. Each event is
written to the store's outbox (outbox.py) before its file counts as seen, and leaves it only once handled, so a
`kill -9` at any moment redelivers rather than loses it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote_plus

from glueflow.aws import LOCAL_CREDENTIALS
from glueflow.glue import EVENT_BATCH_SIZE, EVENT_BATCH_WINDOW_SECONDS, TriggerType
from glueflow.local import faults
from glueflow.local.services.outbox import DEAD, DELIVERED, DROPPED, Delivery, Outbox
from glueflow.spec.deployment import Deployment

log = logging.getLogger(__name__)

HANDLER_FILE = Path("lambda") / "start_workflow" / "handler.py"
LAMBDA_RETRY_DELAYS = (1.0, 2.0)  # Lambda retries an async invocation twice (after ~1 and ~2 minutes on AWS)
# The handler's claim lease. Shorter than the retry delays together (3 s), so an invocation killed after its claim
# is taken over by the last retry at the latest; one watcher thread invokes the handler, so no live invocation
# of the same object can be overtaken (on AWS the lease is set below the function timeout instead).
LOCAL_CLAIM_LEASE_SECONDS = 2.0


@dataclass(frozen=True)
class NewObject:
    """One complete object version in a local bucket."""

    bucket: str
    key: str
    size: int
    mtime_ns: int
    path: Path

    @property
    def version_id(self) -> str:
        """A stable id per write (S3 gives each PUT a new version id)."""
        return hashlib.sha1(f"{self.bucket}/{self.key}:{self.mtime_ns}:{self.size}".encode()).hexdigest()[:32]

    def etag(self) -> str:
        digest = hashlib.md5(usedforsecurity=False)
        with self.path.open("rb") as stream:
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
        return digest.hexdigest()


def s3_event(obj: NewObject, region: str, configuration_id: str) -> dict[str, Any]:
    """The S3 notification event for one PUT, with the key URL-encoded as S3 encodes it ('+' for spaces)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": datetime.fromtimestamp(obj.mtime_ns / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
                + "Z",
                "eventName": "ObjectCreated:Put",
                "userIdentity": {"principalId": "glueflow-local"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper()},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {
                        "name": obj.bucket,
                        "ownerIdentity": {"principalId": "glueflow-local"},
                        "arn": f"arn:aws:s3:::{obj.bucket}",
                    },
                    "object": {
                        "key": quote_plus(obj.key, safe="/"),
                        "size": obj.size,
                        "eTag": obj.etag(),
                        "versionId": obj.version_id,
                        "sequencer": f"{obj.mtime_ns:016X}",
                    },
                },
            }
        ]
    }


# --- detection -------------------------------------------------------------------------------------------------


class BucketScanner:
    """Reports each object version once, when it is complete (same size and mtime on two scans)."""

    def __init__(self, s3_root: Path, buckets: list[str], index_path: Path) -> None:
        self.s3_root, self.buckets, self.index_path = s3_root, sorted(set(buckets)), index_path
        self._candidates: dict[str, tuple[int, int]] = {}
        self._seen = self._load_index()

    def _load_index(self) -> dict[str, tuple[int, int]]:
        try:
            data = json.loads(self.index_path.read_text())
            return {k: (int(v[0]), int(v[1])) for k, v in data.items()}
        except FileNotFoundError:
            baseline = self._listing()  # first start: what is already there is not new
            self._save(baseline)
            return baseline
        except (ValueError, TypeError, IndexError):
            log.warning("watcher: %s is unreadable; starting from the current files", self.index_path)
            return self._listing()

    def _save(self, seen: dict[str, tuple[int, int]]) -> None:
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.index_path.with_suffix(".tmp")
        temporary.write_text(json.dumps({k: list(v) for k, v in sorted(seen.items())}))
        os.replace(temporary, self.index_path)

    def _listing(self) -> dict[str, tuple[int, int]]:
        found = {}
        for bucket in self.buckets:
            root = self.s3_root / bucket
            for directory, folders, files in os.walk(root):
                folders[:] = [f for f in folders if not f.startswith(".")]
                for name in files:
                    if name.startswith("."):
                        continue
                    path = Path(directory) / name
                    try:
                        stat = path.stat()
                    except FileNotFoundError:
                        continue  # removed while listing
                    found[f"{bucket}/{path.relative_to(root).as_posix()}"] = (stat.st_size, stat.st_mtime_ns)
        return found

    def scan(self) -> list[NewObject]:
        listing = self._listing()
        stable = [
            name
            for name, mark in listing.items()
            if self._seen.get(name) != mark and self._candidates.get(name) == mark
        ]
        self._candidates = {n: m for n, m in listing.items() if self._seen.get(n) != m}
        objects = []
        for name in sorted(stable, key=lambda n: listing[n][1]):
            bucket, _, key = name.partition("/")
            size, mtime_ns = listing[name]
            objects.append(NewObject(bucket, key, size, mtime_ns, self.s3_root / bucket / key))
        return objects

    def mark_seen(self, objects: list[NewObject]) -> None:
        for obj in objects:
            self._seen[f"{obj.bucket}/{obj.key}"] = (obj.size, obj.mtime_ns)
            self._candidates.pop(f"{obj.bucket}/{obj.key}", None)
        if objects:
            self._save(self._seen)


# --- consumers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFilter:
    bucket: str
    prefix: str
    suffix: str

    def matches(self, obj: NewObject) -> bool:
        return obj.bucket == self.bucket and obj.key.startswith(self.prefix) and obj.key.endswith(self.suffix)


def load_handler_module(root: Path) -> ModuleType:
    """The repo's Lambda handler file, loaded as a module (the folder `lambda` is a Python keyword)."""
    path = root / HANDLER_FILE
    spec = importlib.util.spec_from_file_location("glueflow_start_workflow_handler", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    return module


class LambdaConsumer:
    """One `start_on_upload` function: its S3 notification filter, the handler, retries and dead letters.

    Deliveries live in the store's outbox (see outbox.py): an event counts as delivered only once the handler has
    returned, so a restart redelivers whatever was in flight. The events due at one tick go to the handler as one
    invocation (one record per object), so files uploaded together start one workflow run, not one each.
    """

    def __init__(self, function_name: str, key_filter: KeyFilter, handler: Callable[..., Any], state_dir: Path) -> None:
        self.function_name, self.key_filter, self.handler = function_name, key_filter, handler
        self.dead_letters = state_dir / "lambda" / function_name / "dead-letters.jsonl"
        self.results: list[dict[str, Any]] = []
        self.outbox = Outbox(state_dir, f"lambda:{function_name}")

    def offer(self, obj: NewObject, region: str, now: float) -> bool:
        if not self.key_filter.matches(obj):
            return False
        event = s3_event(obj, region, f"glueflow-local-{self.function_name}")
        self.outbox.add(f"{obj.bucket}/{obj.key}@{obj.version_id}", event, now)
        return True

    def deliver_due(self, now: float) -> None:
        by_attempt: dict[int, list[Delivery]] = {}
        for delivery in self.outbox.due(now):
            by_attempt.setdefault(delivery.attempt, []).append(delivery)
        for group in by_attempt.values():  # a retry never drags fresh events through its failures
            self._invoke(group, now)

    def _invoke(self, due: list[Delivery], now: float) -> None:
        event = {"Records": [record for delivery in due for record in delivery.payload["Records"]]}
        try:
            result = self.handler(event, None)
        except Exception as exc:
            for delivery in due:
                self._retry_or_dead_letter(delivery, now, exc)
            return
        faults.point("watcher.handled")
        self.outbox.finish([d.key for d in due], DELIVERED, json.dumps(result, default=str)[:4000])
        self.results.append(result)
        log.info("lambda %s: %s", self.function_name, json.dumps(result, default=str))

    def _retry_or_dead_letter(self, delivery: Delivery, now: float, exc: Exception) -> None:
        if delivery.attempt < len(LAMBDA_RETRY_DELAYS):
            due = now + LAMBDA_RETRY_DELAYS[delivery.attempt]
            self.outbox.retry(delivery.key, delivery.attempt + 1, due, str(exc)[:2000])
            log.warning("lambda %s failed (%s); retry %d", self.function_name, exc, delivery.attempt + 1)
            return
        self.dead_letters.parent.mkdir(parents=True, exist_ok=True)
        with self.dead_letters.open("a") as stream:
            stream.write(json.dumps({"event": delivery.payload, "error": str(exc), "time": now}) + "\n")
            stream.flush()
            os.fsync(stream.fileno())  # on disk before the outbox forgets the delivery
        self.outbox.finish([delivery.key], DEAD, str(exc)[:2000])
        log.error(
            "lambda %s failed after retries (%s); event written to %s", self.function_name, exc, self.dead_letters
        )

    @property
    def pending(self) -> int:
        return len(self.outbox.pending())


EventRunStarter = Callable[[str, dict[str, str], dict[str, int]], str]


@dataclass
class EventBatch:
    """An EVENT trigger's batching: BatchSize events, or BatchWindow seconds after the first, then reset."""

    size: int
    window: float
    events: list[tuple[str, float]] = field(default_factory=list)  # (event id, arrival time)

    def add(self, event_id: str, now: float) -> None:
        self.events.append((event_id, now))

    def ready(self, now: float) -> dict[str, int] | None:
        """The StartingEventBatchCondition when the batch should fire, else None."""
        if len(self.events) >= self.size:
            return {"BatchSize": self.size}
        if self.events and now - self.events[0][1] >= self.window:
            return {"BatchWindow": int(self.window)}
        return None

    def take(self) -> list[str]:
        """The batch's event ids; later events stay, their window opened by the first of them."""
        taken, self.events = self.events[: self.size], self.events[self.size :]
        return [event_id for event_id, _ in taken]


EventRunFinder = Callable[[str, str], "str | None"]


class EventTriggerConsumer:
    """A workflow with an EVENT start trigger, fed by S3 events under its event source.

    With a `state_dir`, the batch lives in the store's outbox: events that arrived before a restart still count
    towards BatchSize and keep their BatchWindow, and a batch whose run started just before a `kill -9` is found
    again by its `aws:eventIds` (`find_run`) instead of starting a second run.
    """

    def __init__(
        self,
        workflow: str,
        trigger: str,
        key_filter: KeyFilter,
        batch: EventBatch,
        start_run: EventRunStarter,
        *,
        state_dir: Path | None = None,
        find_run: EventRunFinder | None = None,
    ) -> None:
        self.workflow, self.trigger, self.key_filter, self.batch = workflow, trigger, key_filter, batch
        self.start_run, self.find_run = start_run, find_run
        self.started: list[str] = []
        self.outbox = Outbox(state_dir, f"event:{trigger}") if state_dir is not None else None
        if self.outbox is not None:
            for delivery in self.outbox.pending():
                self.batch.add(delivery.key, float(delivery.payload["arrived"]))

    def offer(self, obj: NewObject, region: str, now: float) -> bool:
        if not self.key_filter.matches(obj):
            return False
        event_id = f"{obj.bucket}/{obj.key}@{obj.version_id}"
        if self.outbox is None or self.outbox.add(event_id, {"arrived": now}, now):
            self.batch.add(event_id, now)
        return True

    def deliver_due(self, now: float) -> None:
        condition = self.batch.ready(now)
        if condition is None:
            return
        event_ids = self.batch.take()
        ids = json.dumps(event_ids)
        try:
            run_id = (self.find_run and self.find_run(self.workflow, ids)) or self.start_run(
                self.workflow, {"aws:eventIds": ids}, condition
            )
        except Exception as exc:  # e.g. ConcurrentRunsExceededException: Glue drops the batch too
            log.warning("event trigger %s: could not start %s: %s", self.trigger, self.workflow, exc)
            if self.outbox is not None:
                self.outbox.finish(event_ids, DROPPED, str(exc)[:2000])
            return
        if self.outbox is not None:
            self.outbox.finish(event_ids, DELIVERED, run_id)
        self.started.append(run_id)
        log.info("event trigger %s started %s run %s (%s)", self.trigger, self.workflow, run_id, condition)


# --- the watcher -----------------------------------------------------------------------------------------------


class UploadWatcher:
    """Polls the buckets the consumers watch, and delivers events to them on a background thread."""

    def __init__(self, state_dir: Path, region: str, consumers: list[Any], *, interval: float = 0.25) -> None:
        self.state_dir, self.region, self.consumers, self.interval = state_dir, region, consumers, interval
        buckets = [c.key_filter.bucket for c in consumers]
        self.scanner = BucketScanner(state_dir / "s3", buckets, state_dir / "watcher" / "seen.json")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="glueflow-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick(time.time())
            except Exception:  # keep watching: one bad file or call must not end the service
                log.exception("watcher: tick failed")
            self._stop.wait(self.interval)

    def tick(self, now: float) -> list[NewObject]:
        """One scan + delivery round; returns the new objects found."""
        objects = self.scanner.scan()
        for obj in objects:
            for consumer in self.consumers:
                consumer.offer(obj, self.region, now)
        if objects:
            faults.point("watcher.offered")
        self.scanner.mark_seen(objects)
        if objects:
            faults.point("watcher.seen")
        for consumer in self.consumers:
            consumer.deliver_due(now)
        return objects


def build_consumers(
    deployment: Deployment,
    endpoint_url: str,
    start_event_run: EventRunStarter,
    find_event_run: EventRunFinder | None = None,
) -> list[LambdaConsumer | EventTriggerConsumer]:
    """The consumers this deployment's pipelines define: upload starters and EVENT start triggers."""
    consumers: list[LambdaConsumer | EventTriggerConsumer] = []
    environment = deployment.tfvars.environment
    handler_module: ModuleType | None = None
    for pipeline in deployment.tfvars.pipelines.values():
        starter = pipeline.upload_starter
        if starter is not None:
            handler_module = handler_module or load_handler_module(deployment.root)
            environ = {
                "WORKFLOW_NAME": pipeline.workflow_name,
                "KEY_PREFIX": starter.prefix,
                "KEY_SUFFIX": starter.suffix,
                "IDEMPOTENCY_DIR": str(deployment.state_dir / "lambda" / starter.function_name / "idempotency"),
                "IDEMPOTENCY_STALE_SECONDS": str(LOCAL_CLAIM_LEASE_SECONDS),
                "GLUE_CALL_BUDGET_SECONDS": "0.5",  # the local endpoint answers StartWorkflowRun in milliseconds
                "AWS_ENDPOINT_URL_GLUE": endpoint_url,
                "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
                "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
                "AWS_REGION": environment.region,
            }
            key_filter = KeyFilter(starter.bucket_name, starter.prefix, starter.suffix)
            consumers.append(
                LambdaConsumer(
                    starter.function_name, key_filter, handler_module.build_handler(environ), deployment.state_dir
                )
            )
        trigger = pipeline.start_trigger()
        if trigger.type == TriggerType.EVENT and trigger.event_source is not None:
            source = trigger.event_source
            batch = EventBatch(
                trigger.batch_size or EVENT_BATCH_SIZE.default,
                float(trigger.batch_window_seconds or EVENT_BATCH_WINDOW_SECONDS.default),
            )
            consumers.append(
                EventTriggerConsumer(
                    pipeline.workflow_name,
                    trigger.name,
                    KeyFilter(source.bucket_name, source.prefix, source.suffix),
                    batch,
                    start_event_run,
                    state_dir=deployment.state_dir,
                    find_run=find_event_run,
                )
            )
    return consumers
