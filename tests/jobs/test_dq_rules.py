"""The data-quality rule language: every form parses into a rule, and bad rules fail with the rule quoted."""

from __future__ import annotations

import pytest

from glueflow_lib.dq import Rule, RuleSyntaxError, parse_rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("row_count > 0", Rule("row_count > 0", "row_count", op=">", values=(0,))),
        ("row_count>=10", Rule("row_count>=10", "row_count", op=">=", values=(10,))),
        ("is_complete(order_id)", Rule("is_complete(order_id)", "is_complete", ("order_id",))),
        ("is_unique(a, b)", Rule("is_unique(a, b)", "is_unique", ("a", "b"))),
        ("column_values(q) > 0", Rule("column_values(q) > 0", "column_values", ("q",), ">", (0,))),
        ("column_values(p) <= 9.5", Rule("column_values(p) <= 9.5", "column_values", ("p",), "<=", (9.5,))),
        (
            "column_values(region) in ['north', \"so'uth\"]",
            Rule(
                "column_values(region) in ['north', \"so'uth\"]",
                "column_values",
                ("region",),
                "in",
                ("north", "so'uth"),
            ),
        ),
        (
            "column_values(r) not in ['x']",
            Rule("column_values(r) not in ['x']", "column_values", ("r",), "not in", ("x",)),
        ),
        (
            "column_values(q) between 1 and 10",
            Rule("column_values(q) between 1 and 10", "column_values", ("q",), "between", (1, 10)),
        ),
    ],
)
def test_each_rule_form_parses(text: str, expected: Rule) -> None:
    assert parse_rule(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("row_count", "expected op at the end"),
        ("is_unique(order_id", "expected ')' at the end"),
        ("column_values(q) > 0 or 1", "unexpected 'or 1' after the rule"),
        ("__import__('os').system('x')", "unexpected character at '.system"),
        ("exec(q) > 0", "unknown rule 'exec'"),
        ("rowcount > 0", "unknown rule 'rowcount'"),
        ("column_values(q) in [1,", "expected a number or a quoted string"),
        ("is_complete(a, b)", "is_complete takes one column"),
        ("row_count > 0; drop", "unexpected character at '; drop'"),
    ],
)
def test_bad_rules_fail_naming_the_rule_and_the_place(text: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as error:
        parse_rule(text)
    assert repr(text) in str(error.value) and message in str(error.value)
