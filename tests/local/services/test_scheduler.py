"""AWS cron → fire times (UTC), and the scheduler starting SCHEDULED workflows through a Glue client (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from serve_fixtures import make_project

from glueflow.errors import GlueflowError
from glueflow.local.services.scheduler import AwsSchedule, CronScheduler, ScheduledStart, scheduled_starts
from glueflow.spec import load_deployment

JAN_1_2025 = datetime(2025, 1, 1, tzinfo=UTC)  # a Wednesday


def _times(expression: str, count: int = 3, after: datetime = JAN_1_2025) -> list[str]:
    return [t.strftime("%a %Y-%m-%d %H:%M") for t in AwsSchedule(expression).fire_times(after, count)]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(0 2 * * ? *)", ["Wed 2025-01-01 02:00", "Thu 2025-01-02 02:00", "Fri 2025-01-03 02:00"]),
        ("cron(0/20 * * * ? *)", ["Wed 2025-01-01 00:20", "Wed 2025-01-01 00:40", "Wed 2025-01-01 01:00"]),
        # day-of-week numbers are 1=SUN … 7=SAT in AWS (Unix cron would read 1 as Monday)
        ("cron(0 12 ? * 1 *)", ["Sun 2025-01-05 12:00", "Sun 2025-01-12 12:00", "Sun 2025-01-19 12:00"]),
        ("cron(0 12 ? * 2-3 *)", ["Mon 2025-01-06 12:00", "Tue 2025-01-07 12:00", "Mon 2025-01-13 12:00"]),
        ("cron(15 10 ? * MON-FRI *)", ["Wed 2025-01-01 10:15", "Thu 2025-01-02 10:15", "Fri 2025-01-03 10:15"]),
        ("cron(0 12 ? * 2/2 *)", ["Wed 2025-01-01 12:00", "Fri 2025-01-03 12:00", "Mon 2025-01-06 12:00"]),
        ("cron(0 12 ? * L *)", ["Sat 2025-01-04 12:00", "Sat 2025-01-11 12:00", "Sat 2025-01-18 12:00"]),
        # L: last day of the month; nL: the last weekday n of the month; n#k: the k-th weekday n
        ("cron(0 18 L * ? *)", ["Fri 2025-01-31 18:00", "Fri 2025-02-28 18:00", "Mon 2025-03-31 18:00"]),
        ("cron(0 9 ? * 6L *)", ["Fri 2025-01-31 09:00", "Fri 2025-02-28 09:00", "Fri 2025-03-28 09:00"]),
        ("cron(0 9 ? * 2#1 *)", ["Mon 2025-01-06 09:00", "Mon 2025-02-03 09:00", "Mon 2025-03-03 09:00"]),
        ("cron(0 9 ? * MON#3 *)", ["Mon 2025-01-20 09:00", "Mon 2025-02-17 09:00", "Mon 2025-03-17 09:00"]),
        # W: the weekday nearest the day, within the month; LW: the month's last weekday
        ("cron(0 8 15W * ? *)", ["Wed 2025-01-15 08:00", "Fri 2025-02-14 08:00", "Fri 2025-03-14 08:00"]),
        ("cron(0 8 1W * ? *)", ["Wed 2025-01-01 08:00", "Mon 2025-02-03 08:00", "Mon 2025-03-03 08:00"]),
        ("cron(0 12 LW * ? *)", ["Fri 2025-01-31 12:00", "Fri 2025-02-28 12:00", "Mon 2025-03-31 12:00"]),
        # the year field
        ("cron(0 0 1 JAN,JUL ? 2026-2027)", ["Thu 2026-01-01 00:00", "Wed 2026-07-01 00:00", "Fri 2027-01-01 00:00"]),
        ("cron(0 0 1 1 ? 2025)", []),  # 2025-01-01 00:00 itself is not *after* the start, and 2025 ends
    ],
)
def test_aws_cron_fire_times_follow_the_aws_dialect(expression: str, expected: list[str]) -> None:
    assert _times(expression) == expected


def test_the_last_weekday_skips_a_month_ending_on_a_weekend() -> None:
    assert _times("cron(30 6 LW * ? *)", 1, datetime(2025, 5, 1, tzinfo=UTC)) == ["Fri 2025-05-30 06:30"]


def test_naive_start_times_are_read_as_utc() -> None:
    assert AwsSchedule("cron(0 2 * * ? *)").next_after(datetime(2025, 1, 1, 1, 59)) == datetime(
        2025, 1, 1, 2, 0, tzinfo=UTC
    )


def test_an_invalid_schedule_is_a_clear_error() -> None:
    with pytest.raises(GlueflowError, match="exactly one of day-of-month and day-of-week must be '\\?'"):
        AwsSchedule("cron(0 2 * * * *)")
    with pytest.raises(GlueflowError, match="rate"):
        AwsSchedule("rate(1 day)")


def test_scheduled_starts_come_from_the_resolved_pipelines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "project")
    monkeypatch.setenv("GLUEFLOW_STATE_DIR", str(root / ".state"))

    [start] = scheduled_starts(load_deployment("local", root=root).tfvars)
    [off] = scheduled_starts(load_deployment("dev", root=root).tfvars)

    assert start.workflow_name == "glueflow-local-nightly"
    assert start.trigger_name == "glueflow-local-nightly-month-end"
    assert start.schedule.expression == "cron(30 23 LW * ? *)"
    assert start.enabled is True
    assert off.enabled is False  # envs/dev.yaml: schedules_enabled: false


@pytest.fixture
def glue(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("glue", region_name="us-east-1")
        client.create_workflow(Name="wf")
        client.create_trigger(
            Name="wf-daily",
            WorkflowName="wf",
            Type="SCHEDULED",
            Schedule="cron(0 2 * * ? *)",
            Actions=[{"JobName": "job"}],
            StartOnCreation=True,
        )
        yield client


def _scheduler(glue: Any, fired: list[tuple[str, datetime, str | None]]) -> CronScheduler:
    start = ScheduledStart("wf", "wf-daily", AwsSchedule("cron(0 2 * * ? *)"), enabled=True)
    scheduler = CronScheduler(
        glue,
        [start],
        clock=lambda: datetime(2025, 1, 1, 1, 0, tzinfo=UTC),
        on_fire=lambda s, t, r: fired.append((s.workflow_name, t, r)),
    )
    scheduler._next = {"wf-daily": start.schedule.next_after(datetime(2025, 1, 1, 1, 0, tzinfo=UTC))}
    return scheduler


def test_the_scheduler_starts_the_workflow_when_its_time_comes_and_moves_to_the_next(glue: Any) -> None:
    fired: list[tuple[str, datetime, str | None]] = []
    scheduler = _scheduler(glue, fired)

    early = scheduler.fire_due(datetime(2025, 1, 1, 1, 59, 59, tzinfo=UTC))
    on_time = scheduler.fire_due(datetime(2025, 1, 1, 2, 0, 0, tzinfo=UTC))

    assert early == []
    [run_id] = on_time
    assert [r["WorkflowRunId"] for r in glue.get_workflow_runs(Name="wf")["Runs"]] == [run_id]
    assert fired == [("wf", datetime(2025, 1, 1, 2, 0, tzinfo=UTC), run_id)]
    assert scheduler.next_fire_times() == {"wf-daily": datetime(2025, 1, 2, 2, 0, tzinfo=UTC)}


def test_a_deactivated_trigger_does_not_start_the_workflow(glue: Any) -> None:
    fired: list[tuple[str, datetime, str | None]] = []
    scheduler = _scheduler(glue, fired)
    glue.stop_trigger(Name="wf-daily")

    assert scheduler.fire_due(datetime(2025, 1, 1, 2, 0, tzinfo=UTC)) == []
    assert glue.get_workflow_runs(Name="wf")["Runs"] == []
    assert fired == [("wf", datetime(2025, 1, 1, 2, 0, tzinfo=UTC), None)]


def test_the_scheduler_thread_fires_on_the_clock_and_stops_cleanly(glue: Any) -> None:
    """A clock already past the first fire time: the running thread starts the run without waiting."""
    times = iter([datetime(2025, 1, 1, 1, 59, 59, 900000, tzinfo=UTC)])
    start = ScheduledStart("wf", "wf-daily", AwsSchedule("cron(0 2 * * ? *)"), enabled=True)
    fired = []
    scheduler = CronScheduler(
        glue,
        [start],
        clock=lambda: next(times, datetime(2025, 1, 1, 2, 0, 1, tzinfo=UTC)),
        on_fire=lambda s, t, r: fired.append(r),
    )

    scheduler.start()
    for _ in range(200):
        if fired:
            break
        scheduler._stop.wait(0.01)
    scheduler.stop()

    assert len(fired) == 1 and fired[0] is not None
    assert len(glue.get_workflow_runs(Name="wf")["Runs"]) == 1
