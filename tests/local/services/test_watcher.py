"""The upload watcher's parts: detecting complete new files, S3 event shape, Lambda retries, EVENT batching."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from glueflow.local.services.watcher import (
    BucketScanner,
    EventBatch,
    EventTriggerConsumer,
    KeyFilter,
    LambdaConsumer,
    NewObject,
    s3_event,
)

BUCKET = "raw-bucket"


def _scanner(tmp_path: Path) -> BucketScanner:
    (tmp_path / "s3" / BUCKET).mkdir(parents=True, exist_ok=True)
    return BucketScanner(tmp_path / "s3", [BUCKET], tmp_path / "watcher" / "seen.json")


def _put(tmp_path: Path, key: str, text: str) -> Path:
    path = tmp_path / "s3" / BUCKET / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_files_present_at_the_first_start_are_not_new(tmp_path: Path) -> None:
    _put(tmp_path, "input/sample.csv", "a\n1\n")
    scanner = _scanner(tmp_path)

    assert scanner.scan() == [] and scanner.scan() == []


def test_a_new_file_is_reported_once_when_its_size_has_settled(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path)
    path = _put(tmp_path, "in/a.csv", "a\n")

    first = scanner.scan()  # seen once: maybe still being written
    path.write_text("a\n1\n2\n")  # still growing
    second = scanner.scan()
    third = scanner.scan()
    scanner.mark_seen(third)

    assert first == [] and second == []
    assert [(o.key, o.size) for o in third] == [("in/a.csv", 6)]
    assert scanner.scan() == [] and scanner.scan() == []


def test_dot_files_and_in_flight_uploads_are_ignored(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path)
    _put(tmp_path, "in/.glueflow-partial-x", "half")
    _put(tmp_path, ".hidden/a.csv", "x")

    assert scanner.scan() == [] and scanner.scan() == []


def test_uploads_made_while_the_watcher_was_down_are_found_when_it_starts(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path)
    _put(tmp_path, "in/a.csv", "1")
    scanner.mark_seen([o for _ in range(2) for o in scanner.scan()])
    _put(tmp_path, "in/b.csv", "2")  # arrives while serve is stopped

    restarted = _scanner(tmp_path)
    restarted.scan()

    assert [o.key for o in restarted.scan()] == ["in/b.csv"]


def test_a_rewritten_file_is_a_new_object_version(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path)
    path = _put(tmp_path, "in/a.csv", "1")
    scanner.scan()
    [first] = scanner.scan()
    scanner.mark_seen([first])
    path.write_text("22")
    os.utime(path, ns=(first.mtime_ns + 10**9, first.mtime_ns + 10**9))
    scanner.scan()

    [second] = scanner.scan()

    assert second.key == first.key and second.version_id != first.version_id


def test_the_s3_event_encodes_the_key_as_s3_does(tmp_path: Path) -> None:
    path = _put(tmp_path, "in/day=1/my file+v2.csv", "abc")
    stat = path.stat()
    obj = NewObject(BUCKET, "in/day=1/my file+v2.csv", stat.st_size, stat.st_mtime_ns, path)

    [record] = s3_event(obj, "us-east-1", "cfg")["Records"]

    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["object"]["key"] == "in/day%3D1/my+file%2Bv2.csv"
    assert unquote_plus(record["s3"]["object"]["key"]) == obj.key
    assert record["s3"]["object"]["eTag"] == "900150983cd24fb0d6963f7d28e17f72"  # md5("abc")
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{BUCKET}"


def _object(tmp_path: Path, key: str) -> NewObject:
    path = _put(tmp_path, key, "x")
    return NewObject(BUCKET, key, 1, path.stat().st_mtime_ns, path)


def test_a_failing_handler_is_retried_twice_then_dead_lettered(tmp_path: Path) -> None:
    calls: list[float] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        calls.append(len(calls))
        raise RuntimeError("ConcurrentRunsExceededException")

    consumer = LambdaConsumer("fn", KeyFilter(BUCKET, "in/", ".csv"), handler, tmp_path)
    assert consumer.offer(_object(tmp_path, "in/a.csv"), "us-east-1", 100.0)
    assert not consumer.offer(_object(tmp_path, "other/a.csv"), "us-east-1", 100.0)

    for now in (100.0, 100.5, 101.0, 102.0, 103.0, 110.0):
        consumer.deliver_due(now)

    assert len(calls) == 3  # the first delivery and two retries (at +1 s and then +2 s)
    [letter] = [json.loads(line) for line in consumer.dead_letters.read_text().splitlines()]
    assert letter["error"] == "ConcurrentRunsExceededException"
    assert letter["event"]["Records"][0]["s3"]["object"]["key"] == "in/a.csv"
    assert consumer.pending == 0


def test_a_retry_that_succeeds_is_recorded(tmp_path: Path) -> None:
    outcomes = iter([RuntimeError("throttled"), {"started": [{"run_id": "wr_1"}]}])

    def handler(event: dict[str, Any], context: Any) -> Any:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    consumer = LambdaConsumer("fn", KeyFilter(BUCKET, "", ""), handler, tmp_path)
    consumer.offer(_object(tmp_path, "a.csv"), "us-east-1", 0.0)
    for now in (0.0, 1.0):
        consumer.deliver_due(now)

    assert consumer.results == [{"started": [{"run_id": "wr_1"}]}]
    assert not consumer.dead_letters.exists()


@pytest.mark.parametrize(
    ("steps", "fired"),
    [
        ([("add", 0), ("add", 1), ("tick", 1), ("add", 2), ("tick", 2)], [(2, {"BatchSize": 3}, 3)]),
        ([("add", 0), ("add", 1), ("tick", 9.9), ("tick", 10)], [(10, {"BatchWindow": 10}, 2)]),
        (
            [("add", 0), ("add", 1), ("add", 2), ("add", 3), ("tick", 3), ("add", 4), ("tick", 12.9), ("tick", 13)],
            [(3, {"BatchSize": 3}, 3), (13, {"BatchWindow": 10}, 2)],  # the leftover opened its window at 3
        ),
    ],
    ids=["size-reached", "window-closed", "leftovers-open-a-new-window"],
)
def test_an_event_trigger_fires_on_size_or_window_whichever_comes_first(
    tmp_path: Path, steps: list[tuple[str, float]], fired: list[tuple[float, dict[str, int], int]]
) -> None:
    started: list[tuple[float, dict[str, int], int]] = []
    clock = [0.0]

    def start_run(workflow: str, properties: dict[str, str], condition: dict[str, int]) -> str:
        started.append((clock[0], condition, len(json.loads(properties["aws:eventIds"]))))
        return f"wr_{len(started)}"

    consumer = EventTriggerConsumer("wf", "trigger", KeyFilter(BUCKET, "in/", ""), EventBatch(3, 10.0), start_run)
    for index, (action, when) in enumerate(steps):
        clock[0] = when
        if action == "add":
            consumer.offer(_object(tmp_path, f"in/{index}.json"), "us-east-1", when)
        else:
            consumer.deliver_due(when)

    assert started == fired


def test_an_event_offered_before_a_crash_is_delivered_after_the_restart(tmp_path: Path) -> None:
    """Finding 5: the event was kept in memory only; the outbox in the store survives the process."""
    delivered: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        delivered.extend(r["s3"]["object"]["key"] for r in event["Records"])
        return {"started": [{"run_id": "wr_1"}]}

    upload = _object(tmp_path, "in/a.csv")
    crashed = LambdaConsumer("fn", KeyFilter(BUCKET, "in/", ""), handler, tmp_path)
    crashed.offer(upload, "us-east-1", 0.0)  # recorded, then the process dies before delivering it

    restarted = LambdaConsumer("fn", KeyFilter(BUCKET, "in/", ""), handler, tmp_path)
    assert restarted.pending == 1
    restarted.offer(upload, "us-east-1", 1.0)  # rescanned after the restart: the same version, not a second event
    restarted.deliver_due(1.0)

    assert delivered == ["in/a.csv"] and restarted.pending == 0


def test_an_event_batch_survives_a_restart_with_its_window(tmp_path: Path) -> None:
    started: list[list[str]] = []

    def start_run(workflow: str, properties: dict[str, str], condition: dict[str, int]) -> str:
        started.append(json.loads(properties["aws:eventIds"]))
        return "wr_1"

    def consumer() -> EventTriggerConsumer:
        return EventTriggerConsumer(
            "wf", "trigger", KeyFilter(BUCKET, "in/", ""), EventBatch(3, 10.0), start_run, state_dir=tmp_path
        )

    consumer().offer(_object(tmp_path, "in/0.json"), "us-east-1", 0.0)
    restarted = consumer()
    restarted.offer(_object(tmp_path, "in/1.json"), "us-east-1", 5.0)
    restarted.deliver_due(9.9)
    assert started == []
    restarted.deliver_due(10.0)  # the window opened by the event that arrived before the restart
    assert [len(ids) for ids in started] == [2]
    consumer().deliver_due(100.0)  # a later restart does not fire the delivered batch again
    assert len(started) == 1
