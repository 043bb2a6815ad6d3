import pytest

from glueflow.spec.cron import CronSyntaxError, parse_aws_cron


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 2 * * ? *)",
        "cron(15 10 ? * MON-FRI *)",
        "cron(0/15 * * * ? *)",
        "cron(0 18 L * ? *)",
        "cron(0 8 15W * ? *)",
        "cron(0 9 ? * 2#1 *)",
        "cron(0 9 ? * 6L 2027)",
        "cron(0 0 1 JAN,JUL ? 2026-2030)",
    ],
)
def test_valid_aws_cron_expressions_parse(expression: str) -> None:
    assert parse_aws_cron(expression).expression == expression


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("rate(1 day)", "rate(...) is not valid for Glue triggers"),
        ("0 2 * * ?", "expected cron("),
        ("cron(0 2 * * *)", "expected 6 fields"),
        ("cron(0 2 * * * *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 2 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(60 2 * * ? *)", "minutes: 60 is out of range 0-59"),
        ("cron(0 24 * * ? *)", "hours: 24 is out of range 0-23"),
        ("cron(0 2 * 13 ? *)", "month: 13 is out of range 1-12"),
        ("cron(0 2 ? * 8 *)", "day-of-week: 8 is out of range 1-7"),
        ("cron(0 2 ? * 2#6 *)", "'#6' must be #1 to #5"),
        ("cron(0 ? * * ? *)", "hours: '?' is only allowed"),
        ("cron(0 2 * FOO ? *)", "month: 'FOO' is not a value"),
        ("cron(0/0 2 * * ? *)", "step '/0' must be a positive number"),
    ],
)
def test_invalid_cron_names_the_field_and_reason(expression: str, reason: str) -> None:
    with pytest.raises(CronSyntaxError, match=None) as caught:
        parse_aws_cron(expression)
    assert reason in str(caught.value)
