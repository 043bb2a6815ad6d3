"""Check attribute references (`aws_iam_role.glue.arn`, `data.aws_caller_identity.this.account_id`) against the
attributes each AWS type exports: what `terraform validate` reports as "Unsupported attribute".

Only `${...}` interpolations are scanned (python-hcl2 serializes expressions that way), so text inside plain strings
is never mistaken for a reference. Names are compared without underscores, because the read-only attribute names
in the cached schema come from jsii getters (see schema_extract._read_only_attributes).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from glueflow.iac.hcl import Block
from glueflow.iac.schema import ProviderSchema

# Not preceded by a word char or ".", so var.aws_x..., module.m.aws_x... and each.value.aws_x... are not references.
_REFERENCE = re.compile(
    r"(?<![\w.])(?P<data>data\.)?(?P<type>aws_[a-z0-9_]+)\.(?P<name>[A-Za-z_][\w-]*)(?:\[[^\]]*\])*\.(?P<attr>[A-Za-z_]\w*)"
)


@dataclass(frozen=True)
class ReferenceProblem:
    line: int
    message: str


def _normal(name: str) -> str:
    return name.replace("_", "").lower()


def interpolations(value: Any) -> Iterator[str]:
    """The text of every `${...}` in a serialized HCL value (nested dicts and lists included)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from interpolations(item)
    elif isinstance(value, list):
        for item in value:
            yield from interpolations(item)
    elif isinstance(value, str):
        start = value.find("${")
        while start != -1:
            depth, end = 0, start + 1
            for end in range(start + 1, len(value)):
                depth += {"{": 1, "}": -1}.get(value[end], 0)
                if depth == 0:
                    break
            yield value[start + 2 : end]
            start = value.find("${", end)


def check_references(block: Block, schema: ProviderSchema) -> tuple[int, list[ReferenceProblem]]:
    """(references checked, problems) for every attribute at any depth of one top-level block."""
    checked, problems = 0, []
    for attribute, line in _attributes(block):
        for text in interpolations(attribute):
            for match in _REFERENCE.finditer(text):
                checked += 1
                problem = _check_one(match, schema)
                if problem:
                    problems.append(ReferenceProblem(line, problem))
    return checked, problems


def _attributes(block: Block) -> Iterator[tuple[Any, int]]:
    for attribute in block.attributes:
        yield attribute.value, attribute.line
    for child in block.blocks:
        yield from _attributes(child)


def _check_one(match: re.Match[str], schema: ProviderSchema) -> str | None:
    kind = "data" if match.group("data") else "resource"
    type_name, attr = match.group("type"), match.group("attr")
    reference = match.group(0)
    if schema.block(kind, type_name) is None:
        word = "data source" if kind == "data" else "resource type"
        suggestion = difflib.get_close_matches(type_name, schema.types(kind), n=1, cutoff=0.75)
        hint = f'; did you mean "{suggestion[0]}"?' if suggestion else ""
        return f'reference {reference}: unknown {word} "{type_name}"{hint}'
    readable = schema.readable_attributes(kind, type_name)
    if _normal(attr) in {_normal(name) for name in readable}:
        return None
    suggestion = difflib.get_close_matches(attr, readable, n=1, cutoff=0.6)
    hint = f'; did you mean "{suggestion[0]}"?' if suggestion else ""
    return f'reference {reference}: "{type_name}" has no attribute "{attr}"{hint}'
