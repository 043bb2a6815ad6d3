"""GetPartitions' `Expression`: Glue's partition filter grammar, evaluated on a partition's values by key type.

Glue documents a WHERE-like grammar (parsed by JSQLParser on the service side): comparisons `= <> != > < >= <=`
between a partition key and a literal, `AND`, `OR`, `NOT`, `IN (…)`, `BETWEEN … AND …`, `LIKE` (`%` and `_`),
`IS [NOT] NULL`, parentheses; partition key types string, date, timestamp, int, bigint, long, tinyint, smallint,
decimal. Values and literals are compared as the key's type (a string key compares as text, so
`order_date >= '2024-01-16'` on a crawler's string key is a text comparison, as on Glue).

Hand-written on purpose: the grammar is a dozen tokens, and a general SQL parser (sqlglot, JSQLParser itself is
Java) accepts far more than Glue does — functions, sub-queries, column-to-column comparisons — which would then have
to be found and refused in its tree; this parser refuses them by not knowing them, with a message saying where.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from glueflow.local import errors

Predicate = Callable[[list[str]], bool]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>[+-]?\d+(?:\.\d+)?(?![A-Za-z_]))
      | (?P<op><=|>=|<>|!=|=|<|>)
      | (?P<punct>[(),])
      | (?P<quoted>`[^`]+`|"[^"]+")
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL"}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}
_INTEGER_TYPES = ("int", "integer", "bigint", "long", "tinyint", "smallint")
_SUPPORTED_TYPES = (*_INTEGER_TYPES, "string", "varchar", "char", "date", "timestamp", "decimal")


@dataclass(frozen=True)
class Token:
    kind: str  # string | number | op | punct | column | keyword | end
    text: str
    position: int


def _tokens(expression: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(expression):
        if expression[position:].strip() == "":
            break
        match = _TOKEN.match(expression, position)
        if match is None:
            raise _error(f"unexpected character {expression[position:].lstrip()[:1]!r}", expression, position)
        kind = match.lastgroup or ""
        text = match.group(kind)
        start = match.start(kind)
        if kind == "word" and text.upper() in _KEYWORDS:
            tokens.append(Token("keyword", text.upper(), start))
        elif kind in ("word", "quoted"):
            tokens.append(Token("column", text.strip('`"').lower(), start))
        else:
            tokens.append(Token(kind, text, start))
        position = match.end()
    tokens.append(Token("end", "", len(expression)))
    return tokens


def _error(message: str, expression: str, position: int) -> errors.GlueApiError:
    return errors.invalid_input(f"Invalid partition Expression at character {position + 1}: {message}: {expression}")


class _Parser:
    """Recursive descent: or → and → not → predicate; each returns a predicate over the partition's values."""

    def __init__(self, expression: str, keys: list[dict[str, Any]]) -> None:
        self.expression = expression
        self.tokens = _tokens(expression)
        self.index = 0
        self.keys = {k["Name"].lower(): (i, k.get("Type", "string").lower()) for i, k in enumerate(keys)}

    def parse(self) -> Predicate:
        predicate = self._or()
        if self._peek().kind != "end":
            self._fail(f"unexpected {self._peek().text!r}")
        return predicate

    # --- tokens
    def _peek(self) -> Token:
        return self.tokens[self.index]

    def _next(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _accept(self, kind: str, text: str | None = None) -> bool:
        token = self._peek()
        if token.kind == kind and (text is None or token.text == text):
            self.index += 1
            return True
        return False

    def _expect(self, kind: str, text: str) -> None:
        if not self._accept(kind, text):
            self._fail(f"expected {text!r}, found {self._peek().text or 'the end'!r}")

    def _fail(self, message: str) -> None:
        raise _error(message, self.expression, self._peek().position)

    # --- grammar
    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._accept("keyword", "OR"):
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda values: any(p(values) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._not()]
        while self._accept("keyword", "AND"):
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else (lambda values: all(p(values) for p in parts))

    def _not(self) -> Predicate:
        if self._accept("keyword", "NOT"):
            inner = self._not()
            return lambda values: not inner(values)
        return self._predicate()

    def _predicate(self) -> Predicate:
        if self._accept("punct", "("):
            inner = self._or()
            self._expect("punct", ")")
            return inner
        token = self._next()
        if token.kind in ("string", "number") and self._peek().kind == "op":  # 'x' < key: flip it
            op = self._next().text
            index, kind = self._column(self._next())
            flipped = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)
            return self._comparison(index, kind, flipped, token)
        index, kind = self._column(token)
        negate = self._accept("keyword", "NOT")
        if self._accept("keyword", "IN"):
            return self._negated(negate, self._in(index, kind))
        if self._accept("keyword", "BETWEEN"):
            return self._negated(negate, self._between(index, kind))
        if self._accept("keyword", "LIKE"):
            return self._negated(negate, self._like(index))
        if negate:
            self._fail("NOT must be followed by IN, BETWEEN or LIKE here")
        if self._accept("keyword", "IS"):
            is_not = self._accept("keyword", "NOT")
            self._expect("keyword", "NULL")
            return lambda values: is_not  # a partition's values are never null
        op = self._next()
        if op.kind != "op":
            self.index -= 1
            self._fail(f"expected a comparison after {token.text!r}")
        return self._comparison(index, kind, op.text, self._literal())

    @staticmethod
    def _negated(negate: bool, predicate: Predicate) -> Predicate:
        return (lambda values: not predicate(values)) if negate else predicate

    def _column(self, token: Token) -> tuple[int, str]:
        if token.kind != "column":
            self.index -= 1
            self._fail(f"expected a partition key, found {token.text or 'the end'!r}")
        if token.text not in self.keys:
            self.index -= 1
            self._fail(f"{token.text!r} is not a partition key (keys: {', '.join(self.keys) or 'none'})")
        index, kind = self.keys[token.text]
        if kind.split("(")[0].strip() not in _SUPPORTED_TYPES:
            self.index -= 1
            self._fail(f"partition key {token.text!r} has type {kind}, which Expression does not support")
        return index, kind

    def _literal(self) -> Token:
        token = self._next()
        if token.kind not in ("string", "number"):
            self.index -= 1
            self._fail(f"expected a literal ('text' or a number), found {token.text or 'the end'!r}")
        return token

    def _typed(self, token: Token, kind: str) -> Any:
        text = token.text[1:-1].replace("''", "'") if token.kind == "string" else token.text
        value = typed_value(text, kind)
        if value is None:
            raise _error(f"{token.text} is not a valid {kind}", self.expression, token.position)
        return value

    def _comparison(self, index: int, kind: str, op: str, literal: Token) -> Predicate:
        wanted, compare = self._typed(literal, kind), _COMPARE[op]
        return lambda values: _matches(values, index, kind, lambda v: compare(v, wanted))

    def _in(self, index: int, kind: str) -> Predicate:
        self._expect("punct", "(")
        options = [self._typed(self._literal(), kind)]
        while self._accept("punct", ","):
            options.append(self._typed(self._literal(), kind))
        self._expect("punct", ")")
        return lambda values: _matches(values, index, kind, lambda v: v in options)

    def _between(self, index: int, kind: str) -> Predicate:
        low = self._typed(self._literal(), kind)
        self._expect("keyword", "AND")
        high = self._typed(self._literal(), kind)
        return lambda values: _matches(values, index, kind, lambda v: low <= v <= high)

    def _like(self, index: int) -> Predicate:
        token = self._literal()
        pattern = token.text[1:-1].replace("''", "'") if token.kind == "string" else token.text
        regex = re.compile("".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern), re.S)
        return lambda values: index < len(values) and regex.fullmatch(values[index]) is not None


def _matches(values: list[str], index: int, kind: str, test: Callable[[Any], bool]) -> bool:
    if index >= len(values):
        return False
    value = typed_value(values[index], kind)
    return value is not None and test(value)


def typed_value(text: str, kind: str) -> Any:
    """`text` as the partition key type `kind` (None if it is not one)."""
    base = kind.split("(")[0].strip()
    try:
        if base in _INTEGER_TYPES:
            return int(text)
        if base == "decimal":
            return Decimal(text)
        if base == "date":
            return date.fromisoformat(text)
        if base == "timestamp":
            return datetime.fromisoformat(text)
    except (ValueError, InvalidOperation):
        return None
    return text


def compile_expression(expression: str, partition_keys: list[dict[str, Any]]) -> Predicate:
    """A predicate over a partition's `Values`; InvalidInputException for what Glue would refuse."""
    return _Parser(expression, partition_keys).parse()
