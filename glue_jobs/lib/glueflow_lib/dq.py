"""Data-quality rules: a small rule language, evaluated in one Spark pass, results written as a table.

Rules (one string each, as a pipeline lists them under a job's `params.dq_rules`):

    row_count > 0                                   also >=, <, <=, ==, !=
    is_complete(order_id)                           no null (or empty) value
    is_unique(order_id)                             no value occurs twice (nulls ignored); is_unique(a, b) for a key
    column_values(quantity) > 0                     every non-null value compares true; also between 1 and 10
    column_values(region) in ['north', 'south']     also `not in [...]`

Why hand-written: the grammar is five forms; Deequ/PyDeequ needs a JVM jar on the Glue classpath, Great
Expectations and Soda are large dependencies that a Glue job would have to pip-install at start, and Glue's own
DQDL only exists on Glue. A regex tokenizer plus a recursive-descent parser (~100 lines) parses it safely: the
text is never evaluated, columns and literals become Spark Column expressions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

Literal = Union[int, float, str]
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>>=|<=|==|!=|>|<)
      | (?P<punct>[(),\[\]])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


class RuleSyntaxError(ValueError):
    """A rule that does not parse; the message shows the rule and where."""


class DataQualityError(RuntimeError):
    """Raised after the results are written when any rule failed, so the job run FAILS."""

    def __init__(self, dataset: str, failed: list[RuleResult]) -> None:
        # One line: Glue (and the local runtime) report a job's ErrorMessage from the exception's text.
        details = "; ".join(f"{r.rule}: {r.detail}" for r in failed)
        super().__init__(f"{len(failed)} data-quality rule(s) failed on {dataset}: {details}")
        self.failed = failed


@dataclass(frozen=True)
class Rule:
    text: str
    kind: str  # row_count | is_complete | is_unique | column_values
    columns: tuple[str, ...] = ()
    op: str | None = None  # a comparison, "in", "not in" or "between"
    values: tuple[Literal, ...] = ()


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    actual: float | None
    failing_rows: int
    detail: str


@dataclass
class _Tokens:
    text: str
    items: list[tuple[str, str, int]] = field(default_factory=list)
    pos: int = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            wanted = repr(value) if value else kind
            where = f"at '{self.text[token[2] :]}'" if token else "at the end"
            raise RuleSyntaxError(f"rule {self.text!r}: expected {wanted} {where}")
        self.pos += 1
        return token[1]

    def accept(self, kind: str, value: str | None = None) -> bool:
        token = self.peek()
        if token is not None and token[0] == kind and (value is None or token[1] == value):
            self.pos += 1
            return True
        return False


def _tokenize(text: str) -> _Tokens:
    tokens = _Tokens(text)
    index = 0
    while index < len(text):
        if text[index:].strip() == "":
            break
        match = _TOKEN.match(text, index)
        if not match or match.end() == index:
            raise RuleSyntaxError(f"rule {text!r}: unexpected character at '{text[index:].strip()}'")
        kind = match.lastgroup or ""
        tokens.items.append((kind, match.group(kind), match.start(kind)))
        index = match.end()
    return tokens


def _literal(tokens: _Tokens) -> Literal:
    token = tokens.peek()
    if token and token[0] == "number":
        tokens.pos += 1
        return float(token[1]) if "." in token[1] else int(token[1])
    if token and token[0] == "string":
        tokens.pos += 1
        return re.sub(r"\\(.)", r"\1", token[1][1:-1])
    raise RuleSyntaxError(f"rule {tokens.text!r}: expected a number or a quoted string")


def _column_list(tokens: _Tokens) -> tuple[str, ...]:
    tokens.take("punct", "(")
    names = [tokens.take("name")]
    while tokens.accept("punct", ","):
        names.append(tokens.take("name"))
    tokens.take("punct", ")")
    return tuple(names)


def _value_test(tokens: _Tokens) -> tuple[str, tuple[Literal, ...]]:
    if tokens.accept("name", "between"):
        low = _literal(tokens)
        tokens.take("name", "and")
        return "between", (low, _literal(tokens))
    negated = tokens.accept("name", "not")
    if negated or (tokens.peek() or ("", "", 0))[1] == "in":
        tokens.take("name", "in")
        tokens.take("punct", "[")
        values = [_literal(tokens)]
        while tokens.accept("punct", ","):
            values.append(_literal(tokens))
        tokens.take("punct", "]")
        return ("not in" if negated else "in"), tuple(values)
    return tokens.take("op"), (_literal(tokens),)


def parse_rule(text: str) -> Rule:
    tokens = _tokenize(text)
    kind = tokens.take("name")
    if kind == "row_count":
        op = tokens.take("op")
        rule = Rule(text, kind, op=op, values=(_literal(tokens),))
    elif kind in ("is_complete", "is_unique"):
        columns = _column_list(tokens)
        if kind == "is_complete" and len(columns) != 1:
            raise RuleSyntaxError(f"rule {text!r}: is_complete takes one column")
        rule = Rule(text, kind, columns=columns)
    elif kind == "column_values":
        columns = _column_list(tokens)
        if len(columns) != 1:
            raise RuleSyntaxError(f"rule {text!r}: column_values takes one column")
        op, values = _value_test(tokens)
        rule = Rule(text, kind, columns=columns, op=op, values=values)
    else:
        raise RuleSyntaxError(
            f"rule {text!r}: unknown rule '{kind}'; use row_count, is_complete, is_unique or column_values"
        )
    if tokens.peek() is not None:
        raise RuleSyntaxError(f"rule {text!r}: unexpected '{text[tokens.peek()[2] :]}' after the rule")  # type: ignore[index]
    return rule


def parse_rules(texts: Sequence[str]) -> list[Rule]:
    return [parse_rule(t) for t in texts]


def _compare(value: float, op: str, other: float) -> bool:
    return {
        ">": value > other,
        ">=": value >= other,
        "<": value < other,
        "<=": value <= other,
        "==": value == other,
        "!=": value != other,
    }[op]


def _violation(rule: Rule) -> Any:
    """A Column that is true for a row violating a column_values rule (nulls never violate)."""
    from pyspark.sql import functions as F

    column = F.col(f"`{rule.columns[0]}`")
    if rule.op == "in":
        ok = column.isin(list(rule.values))
    elif rule.op == "not in":
        ok = ~column.isin(list(rule.values))
    elif rule.op == "between":
        ok = column.between(rule.values[0], rule.values[1])
    else:
        value = rule.values[0]
        ok = {
            ">": column > value,
            ">=": column >= value,
            "<": column < value,
            "<=": column <= value,
            "==": column == value,
            "!=": column != value,
        }[rule.op or ""]
    return column.isNotNull() & ~ok


def _aggregates(rules: Sequence[Rule]) -> list[Any]:
    from pyspark.sql import functions as F

    exprs = [F.count(F.lit(1)).alias("__rows")]
    for index, rule in enumerate(rules):
        name = f"__r{index}"
        if rule.kind == "is_complete":
            column = F.col(f"`{rule.columns[0]}`")
            empty = column.isNull() | (column.cast("string") == "")
            exprs.append(F.sum(F.when(empty, 1).otherwise(0)).alias(name))
        elif rule.kind == "is_unique":
            key = F.struct(*[F.col(f"`{c}`") for c in rule.columns])
            all_set = F.lit(True)
            for c in rule.columns:
                all_set = all_set & F.col(f"`{c}`").isNotNull()
            non_null = F.sum(F.when(all_set, 1).otherwise(0))
            exprs.append((non_null - F.count_distinct(F.when(all_set, key))).alias(name))
        elif rule.kind == "column_values":
            exprs.append(F.sum(F.when(_violation(rule), 1).otherwise(0)).alias(name))
    return exprs


def evaluate(df: Any, rules: Sequence[Rule]) -> list[RuleResult]:
    """Evaluate every rule over `df` in one aggregation pass."""
    row = df.agg(*_aggregates(rules)).collect()[0]
    rows = int(row["__rows"])
    results = []
    for index, rule in enumerate(rules):
        if rule.kind == "row_count":
            passed = _compare(rows, rule.op or "==", float(rule.values[0]))
            results.append(RuleResult(rule.text, passed, float(rows), 0 if passed else rows, f"row_count is {rows}"))
            continue
        failing = int(row[f"__r{index}"] or 0)
        noun = {"is_complete": "null or empty", "is_unique": "duplicate", "column_values": "violating"}[rule.kind]
        detail = f"{failing} {noun} row(s) of {rows}"
        results.append(RuleResult(rule.text, failing == 0, float(failing), failing, detail))
    return results


def _outcome(result: RuleResult) -> str:
    return "PASSED" if result.passed else "FAILED"


def results_frame(spark: Any, results: Sequence[RuleResult], dataset: str, job_name: str, run_id: str) -> Any:
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

    schema = StructType(
        [
            StructField("dataset", StringType()),
            StructField("rule", StringType()),
            StructField("outcome", StringType()),
            StructField("passed", BooleanType()),
            StructField("actual", DoubleType()),
            StructField("failing_rows", LongType()),
            StructField("detail", StringType()),
            StructField("job_name", StringType()),
            StructField("evaluated_at", StringType()),
            StructField("job_run_id", StringType()),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    rows = [
        (dataset, r.rule, _outcome(r), r.passed, r.actual, r.failing_rows, r.detail, job_name, now, run_id)
        for r in results
    ]
    return spark.createDataFrame(rows, schema)


def check(job: Any, df: Any, rules: Sequence[str], dataset: str, results_path: str) -> list[RuleResult]:
    """Evaluate `rules` on `df`, write the results table under `results_path/<dataset>/`, raise if any failed."""
    from glueflow_lib.sinks import write_parquet

    results = evaluate(df, parse_rules(rules))
    frame = results_frame(job.spark, results, dataset, job.name, job.run_id)
    write_parquet(frame.coalesce(1), f"{results_path.rstrip('/')}/{dataset}", partition_by=["job_run_id"])
    failed = [r for r in results if not r.passed]
    for result in results:
        print(f"DQ {_outcome(result)} {dataset}: {result.rule} ({result.detail})")
    job.count(f"dq_failed_{dataset}", len(failed))
    if failed:
        raise DataQualityError(dataset, failed)
    return results
