"""AWS cron expressions as Glue triggers accept them: `cron(Minutes Hours Day-of-month Month Day-of-week Year)`.

croniter understands Unix cron, not AWS's six-field dialect (`?`, the year field, 1=SUN day numbers), so the
dialect's syntax is checked here and translated for croniter by the scheduler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


@dataclass(frozen=True)
class CronField:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    extra: str = ""  # special characters this field allows besides , - * /


FIELDS = (
    CronField("minutes", 0, 59),
    CronField("hours", 0, 23),
    CronField("day-of-month", 1, 31, extra="?LW"),
    CronField("month", 1, 12, tuple(MONTHS)),
    CronField("day-of-week", 1, 7, tuple(WEEKDAYS), extra="?L#"),
    CronField("year", 1970, 2199),
)

_CRON = re.compile(r"^cron\((?P<body>[^()]*)\)$")


class CronSyntaxError(ValueError):
    """The expression is not valid AWS cron; the message says which field and why."""


@dataclass(frozen=True)
class AwsCron:
    expression: str
    minutes: str
    hours: str
    day_of_month: str
    month: str
    day_of_week: str
    year: str


def parse_aws_cron(expression: str) -> AwsCron:
    """Validate `expression` and split it into fields; raise CronSyntaxError with a precise reason."""
    text = expression.strip()
    if text.startswith("rate("):
        raise CronSyntaxError("rate(...) is not valid for Glue triggers; use cron(...), e.g. cron(0 2 * * ? *)")
    match = _CRON.match(text)
    if not match:
        raise CronSyntaxError("expected cron(Minutes Hours Day-of-month Month Day-of-week Year)")
    parts = match["body"].split()
    if len(parts) != 6:
        raise CronSyntaxError(f"expected 6 fields inside cron(...), got {len(parts)}")
    for field, value in zip(FIELDS, parts, strict=True):
        _check_field(field, value)
    day_of_month, day_of_week = parts[2], parts[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        raise CronSyntaxError("exactly one of day-of-month and day-of-week must be '?'")
    return AwsCron(text, *parts)


def _check_field(field: CronField, value: str) -> None:
    if value == "?":
        if "?" not in field.extra:
            raise CronSyntaxError(f"{field.name}: '?' is only allowed in day-of-month and day-of-week")
        return
    for item in value.split(","):
        _check_item(field, item)


def _check_item(field: CronField, item: str) -> None:
    if field.name == "day-of-month" and (item in ("L", "LW") or item.endswith("W")):
        if item not in ("L", "LW"):
            _check_number(field, item[:-1])
        return
    if field.name == "day-of-week" and (item.endswith("L") or "#" in item):
        _check_weekday_special(field, item)
        return
    base, _, step = item.partition("/")
    if step and not (step.isdigit() and int(step) > 0):
        raise CronSyntaxError(f"{field.name}: step '/{step}' must be a positive number")
    if base == "*":
        return
    low, _, high = base.partition("-")
    _check_number(field, low)
    if high:
        _check_number(field, high)


def _check_weekday_special(field: CronField, item: str) -> None:
    if "#" in item:
        day, _, nth = item.partition("#")
        _check_number(field, day)
        if nth not in {"1", "2", "3", "4", "5"}:
            raise CronSyntaxError(f"{field.name}: '#{nth}' must be #1 to #5 (the nth weekday of the month)")
    elif item != "L":
        _check_number(field, item[:-1])


def _check_number(field: CronField, token: str) -> None:
    upper = token.upper()
    if upper in field.names:
        return
    if not token.isdigit():
        allowed = f"{field.low}-{field.high}" + (f" or {field.names[0]}-{field.names[-1]}" if field.names else "")
        raise CronSyntaxError(f"{field.name}: '{token}' is not a value ({allowed})")
    if not field.low <= int(token) <= field.high:
        raise CronSyntaxError(f"{field.name}: {token} is out of range {field.low}-{field.high}")
