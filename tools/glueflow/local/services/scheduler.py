"""Fire SCHEDULED start triggers on their AWS cron schedule (UTC), as Glue does.

`AwsSchedule` turns an AWS cron expression into next fire times. croniter does the calendar arithmetic; this module
only translates AWS's dialect into croniter's: `?` becomes `*`, day-of-week numbers move from 1=SUN..7=SAT to
0=SUN..6=SAT (`nL` → `L{n-1}`, `n#k` → `{n-1}#k`, bare `L` = Saturday), and the year becomes croniter's 7th field.
Only `LW` (last weekday of the month) has no croniter spelling; it is resolved month by month to a concrete day.

`CronScheduler` is a small thread: it sleeps until the earliest next fire time and then asks Glue, through the same
boto3 client any user would use, whether the trigger is still ACTIVATED before starting the workflow run.
"""

from __future__ import annotations

import calendar
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from croniter import croniter
from croniter.croniter import CroniterBadDateError

from glueflow.errors import GlueflowError
from glueflow.glue import TriggerState
from glueflow.spec.cron import WEEKDAYS, AwsCron, CronSyntaxError, parse_aws_cron
from glueflow.spec.resolved import TfVars

log = logging.getLogger(__name__)

# croniter's year field stops at 2099; AWS allows up to 2199.
_CRONITER_MAX_YEAR = 2099
_MONTHS_SEARCHED_FOR_LW = 12 * 80


class AwsSchedule:
    """Next fire times of one AWS cron expression, in UTC."""

    def __init__(self, expression: str) -> None:
        try:
            self.cron: AwsCron = parse_aws_cron(expression)
        except CronSyntaxError as exc:
            raise GlueflowError(f"invalid schedule '{expression}': {exc}") from exc
        self.expression = expression
        self._last_weekday = self.cron.day_of_month == "LW"
        self._fields = _croniter_fields(self.cron)

    def next_after(self, moment: datetime) -> datetime | None:
        """The first fire time strictly after `moment` (naive datetimes are UTC), or None if there is none."""
        start = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        if self._last_weekday:
            return self._next_last_weekday(start)
        return _croniter_next(" ".join(self._fields), start)

    def fire_times(self, after: datetime, count: int) -> list[datetime]:
        times: list[datetime] = []
        moment: datetime | None = after
        while moment is not None and len(times) < count:
            moment = self.next_after(moment)
            if moment is not None:
                times.append(moment)
        return times

    def _next_last_weekday(self, start: datetime) -> datetime | None:
        """`LW`: pin day-of-month to each month's last weekday in turn and let croniter do the rest."""
        year, month = start.year, start.month
        for _ in range(_MONTHS_SEARCHED_FOR_LW):
            if year > _CRONITER_MAX_YEAR:
                return None
            fields = list(self._fields)
            fields[2] = str(_last_weekday_of_month(year, month))
            fields[3] = str(month)
            fields[6] = str(year)
            found = _croniter_next(" ".join(fields), start)
            if found is not None and (found.year, found.month) == (year, month):
                return found
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None


def _croniter_next(expression: str, start: datetime) -> datetime | None:
    try:
        return croniter(expression, start).get_next(datetime)
    except CroniterBadDateError:
        return None  # no fire time left (e.g. a year field in the past)


def _last_weekday_of_month(year: int, month: int) -> int:
    last = calendar.monthrange(year, month)[1]
    weekday = calendar.weekday(year, month, last)  # Monday = 0
    return last - max(0, weekday - 4)


def _croniter_fields(cron: AwsCron) -> list[str]:
    """[minute, hour, day, month, weekday, second, year] in croniter's 7-field form."""
    day_of_month = "*" if cron.day_of_month in ("?", "LW") else cron.day_of_month
    day_of_week = "*" if cron.day_of_week == "?" else _translate_day_of_week(cron.day_of_week)
    return [cron.minutes, cron.hours, day_of_month, cron.month, day_of_week, "0", _translate_year(cron.year)]


def _translate_year(year: str) -> str:
    numbers = [int(token) for token in year.replace("-", ",").replace("/", ",").split(",") if token.isdigit()]
    if any(n > _CRONITER_MAX_YEAR for n in numbers if n >= 1970):
        raise GlueflowError(
            f"year field '{year}': the local scheduler handles years up to {_CRONITER_MAX_YEAR}",
            hint="AWS accepts up to 2199; use an earlier year for local runs",
        )
    return year


def _aws_weekday(token: str) -> int:
    """An AWS day-of-week token (1-7 or SUN-SAT) as AWS's number."""
    upper = token.upper()
    return WEEKDAYS.index(upper) + 1 if upper in WEEKDAYS else int(token)


def _translate_day_of_week(field: str) -> str:
    """AWS day-of-week (1=SUN..7=SAT) → croniter's (0=SUN..6=SAT), expanding ranges and steps to a plain list."""
    items = field.split(",")
    specials = [item for item in items if item.upper().endswith("L") or "#" in item]
    if specials:
        if len(items) > 1:
            raise GlueflowError(f"day-of-week '{field}': 'L' and '#' cannot be combined with other values")
        return _translate_weekday_special(field)
    days: set[int] = set()
    for item in items:
        days.update(_expand_weekday_item(item))
    return ",".join(str(day - 1) for day in sorted(days))


def _translate_weekday_special(item: str) -> str:
    if "#" in item:
        day, _, nth = item.partition("#")
        return f"{_aws_weekday(day) - 1}#{nth}"
    if item.upper() == "L":
        return "6"  # AWS: 'L' alone in day-of-week is the last day of the week, Saturday
    return f"L{_aws_weekday(item[:-1]) - 1}"  # nL: the last day n of the month


def _expand_weekday_item(item: str) -> range:
    base, _, step_text = item.partition("/")
    step = int(step_text) if step_text else 1
    if base == "*":
        low, high = 1, 7
    elif "-" in base:
        first, _, last = base.partition("-")
        low, high = _aws_weekday(first), _aws_weekday(last)
    else:
        low = _aws_weekday(base)
        high = 7 if step_text else low
    if high < low:
        raise GlueflowError(f"day-of-week range '{item}' runs backwards; write it low-high (1=SUN … 7=SAT)")
    return range(low, high + 1, step)


# --- the scheduler thread ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduledStart:
    """A workflow whose start trigger is SCHEDULED."""

    workflow_name: str
    trigger_name: str
    schedule: AwsSchedule
    enabled: bool


def scheduled_starts(tfvars: TfVars) -> list[ScheduledStart]:
    starts = []
    for pipeline in tfvars.pipelines.values():
        trigger = pipeline.start_trigger()
        if trigger.type == "SCHEDULED" and trigger.schedule:
            starts.append(
                ScheduledStart(pipeline.workflow_name, trigger.name, AwsSchedule(trigger.schedule), trigger.enabled)
            )
    return starts


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CronScheduler:
    """Starts each SCHEDULED workflow at its fire times while running; missed fire times are not caught up (as AWS).

    At each fire time the trigger's current state is read through Glue (`GetTrigger`), so `StopTrigger` /
    `StartTrigger` take effect without a restart. `clock` and the stop event make it testable without waiting.
    """

    def __init__(
        self,
        glue: Any,
        starts: list[ScheduledStart],
        *,
        clock: Callable[[], datetime] = _utc_now,
        on_fire: Callable[[ScheduledStart, datetime, str | None], None] | None = None,
    ) -> None:
        self.glue = glue
        self.starts = starts
        self.clock = clock
        self.on_fire = on_fire
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next: dict[str, datetime | None] = {}

    def start(self) -> None:
        now = self.clock()
        self._next = {s.trigger_name: s.schedule.next_after(now) for s in self.starts}
        self._thread = threading.Thread(target=self._loop, name="glueflow-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def next_fire_times(self) -> dict[str, datetime | None]:
        return dict(self._next)

    def _loop(self) -> None:
        while not self._stop.is_set():
            pending = [t for t in self._next.values() if t is not None]
            if not pending:
                self._stop.wait(60)
                continue
            wait = (min(pending) - self.clock()).total_seconds()
            if wait > 0:
                self._stop.wait(min(wait, 30.0))  # re-check the clock at least every 30 s (suspend, clock jumps)
                continue
            self.fire_due(self.clock())

    def fire_due(self, now: datetime) -> list[str]:
        """Start every workflow whose fire time has come; return the started run ids."""
        run_ids = []
        for start in self.starts:
            due = self._next.get(start.trigger_name)
            if due is None or due > now:
                continue
            self._next[start.trigger_name] = start.schedule.next_after(now)
            run_id = self._fire(start)
            if self.on_fire:
                self.on_fire(start, due, run_id)
            if run_id:
                run_ids.append(run_id)
        return run_ids

    def _fire(self, start: ScheduledStart) -> str | None:
        if not self._activated(start):
            log.info("schedule %s: trigger %s is not ACTIVATED; skipped", start.schedule.expression, start.trigger_name)
            return None
        try:
            run_id = self.glue.start_workflow_run(Name=start.workflow_name)["RunId"]
        except Exception as exc:  # e.g. ConcurrentRunsExceededException: log, and try at the next fire time
            log.warning("schedule: could not start %s: %s", start.workflow_name, exc)
            return None
        log.info("schedule: started %s run %s", start.workflow_name, run_id)
        return str(run_id)

    def _activated(self, start: ScheduledStart) -> bool:
        try:
            state = self.glue.get_trigger(Name=start.trigger_name)["Trigger"].get("State")
        except Exception as exc:
            log.warning("schedule: GetTrigger %s failed (%s); using the spec's enabled flag", start.trigger_name, exc)
            return start.enabled
        return state == TriggerState.ACTIVATED


def describe_next(schedule: AwsSchedule, after: datetime, count: int = 3) -> str:
    """Human-readable next fire times, for `serve`'s banner."""
    times = schedule.fire_times(after, count)
    return ", ".join(t.strftime("%Y-%m-%d %H:%M UTC") for t in times) or "never"
