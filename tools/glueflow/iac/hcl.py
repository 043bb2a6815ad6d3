"""Read .tf files into a small tree of blocks and attributes that keeps the line of every element.

python-hcl2's `loads()` dict has no line numbers (and `with_meta` does not add them in 8.x), so we walk its
rule tree instead: every BlockRule and AttributeRule carries lark's `meta.line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2.rules.base import AttributeRule, BlockRule, BodyRule
from lark.exceptions import LarkError, UnexpectedInput


@dataclass(frozen=True)
class Attribute:
    name: str
    line: int
    value: Any  # python-hcl2's serialized form: "${expr}" for expressions, '"text"' for strings


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    line: int
    attributes: tuple[Attribute, ...] = ()
    blocks: tuple[Block, ...] = ()

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def children(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


@dataclass(frozen=True)
class HclFile:
    path: Path
    blocks: tuple[Block, ...] = ()
    syntax_error: str | None = None
    syntax_error_line: int = 0
    source_lines: tuple[str, ...] = field(default=(), repr=False)


class HclSyntaxError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def parse_file(path: Path) -> HclFile:
    """Parse one .tf file; a syntax error is returned (with its line), not raised, so every file gets checked."""
    text = path.read_text(encoding="utf-8")
    try:
        blocks = parse_text(text)
    except HclSyntaxError as exc:
        return HclFile(path, syntax_error=str(exc), syntax_error_line=exc.line, source_lines=tuple(text.splitlines()))
    return HclFile(path, blocks=blocks, source_lines=tuple(text.splitlines()))


def parse_text(text: str) -> tuple[Block, ...]:
    try:
        tree = hcl2.parses(text, discard_comments=True)
    except UnexpectedInput as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HclSyntaxError(first_line, getattr(exc, "line", 0) or 0) from exc
    except (LarkError, RuntimeError) as exc:  # e.g. "Attribute x is already defined."
        raise HclSyntaxError(str(exc).splitlines()[0], 0) from exc
    return _body(tree.body)


def _body(body: BodyRule) -> tuple[Block, ...]:
    return tuple(_block(child) for child in body.children if isinstance(child, BlockRule))


def _block(rule: BlockRule) -> Block:
    attributes = tuple(
        Attribute(c.identifier.serialize(), _line(c), c.expression.serialize())
        for c in rule.body.children
        if isinstance(c, AttributeRule)
    )
    block_type, *labels = (_unquote(str(label.serialize())) for label in rule.labels)
    return Block(block_type, tuple(labels), _line(rule), attributes, _body(rule.body))


def _line(rule: BlockRule | AttributeRule) -> int:
    return getattr(getattr(rule, "_meta", None), "line", 0) or 0


def _unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def expression_text(value: Any) -> str:
    """An attribute value as HCL-ish source text (for type constraints like `map(any)`)."""
    if isinstance(value, str):
        return value[2:-1] if value.startswith("${") and value.endswith("}") else value
    return str(value)


def tf_files(roots: list[Path]) -> list[Path]:
    """Every .tf file under the roots, skipping .terraform/ working dirs, in a stable order."""
    files: set[Path] = set()
    for root in roots:
        if root.is_file() and root.suffix == ".tf":
            files.add(root)
        elif root.is_dir():
            files.update(p for p in root.rglob("*.tf") if ".terraform" not in p.parts)
    return sorted(files)
