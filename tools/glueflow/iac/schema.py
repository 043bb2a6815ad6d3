"""The cached hashicorp/aws provider schema (see schema_extract.py), loaded once per process in ~50 ms."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from glueflow.errors import GlueflowError
from glueflow.iac.schema_extract import SCHEMA_PATH


@dataclass(frozen=True)
class NestedBlock:
    required: bool
    repeatable: bool  # False: at most one (MaxItems 1)
    schema: BlockSchema | None  # None: free-form content


class BlockSchema:
    """The arguments and nested blocks allowed inside one block (a resource body or a nested block)."""

    def __init__(self, raw: dict[str, Any], resolve: Callable[[int], BlockSchema]) -> None:
        self._raw = raw
        self._resolve = resolve  # struct index -> shared BlockSchema (schemas nest, and wafv2 recurses)

    @cached_property
    def arguments(self) -> dict[str, bool]:
        """Argument name -> required."""
        return {name: bool(flag) for name, flag in self._raw["a"].items()}

    @cached_property
    def blocks(self) -> dict[str, NestedBlock]:
        return {
            name: NestedBlock(bool(req), bool(rep), self._resolve(idx) if idx >= 0 else None)
            for name, (req, rep, idx) in self._raw["b"].items()
        }

    def names(self) -> list[str]:
        return [*self._raw["a"], *self._raw["b"]]

    def locate(self, name: str, max_depth: int = 4) -> list[str]:
        """Dotted block paths below this block where `name` is valid (for 'it belongs in block X' hints)."""
        found: list[str] = []
        for path, schema in self._walk(max_depth):
            if path and (name in schema._raw["a"] or name in schema._raw["b"]):
                found.append(".".join(path))
        return found

    def _walk(self, max_depth: int) -> Iterator[tuple[tuple[str, ...], BlockSchema]]:
        stack: list[tuple[tuple[str, ...], BlockSchema]] = [((), self)]
        while stack:
            path, schema = stack.pop()
            yield path, schema
            if len(path) < max_depth:
                for child, nested in schema.blocks.items():
                    if nested.schema is not None:
                        stack.append(((*path, child), nested.schema))


class ProviderSchema:
    """Resource, data source and ephemeral resource types of hashicorp/aws, plus the provider block."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw
        self._table: list[dict[str, Any]] = raw["structs"]
        self._blocks: dict[int, BlockSchema] = {}
        self.version: str = raw["provider_version"]
        self.source: str = raw["source"]

    def types(self, kind: str) -> list[str]:
        return list(self._raw[kind])

    def block(self, kind: str, type_name: str) -> BlockSchema | None:
        """Schema of `resource`/`data`/`ephemeral` type_name, or None when the provider has no such type."""
        index = self._raw[kind].get(type_name)
        return None if index is None else self._block(index)

    def readable_attributes(self, kind: str, type_name: str) -> list[str]:
        """Every attribute a reference `<type>.<name>.<attr>` may read: arguments, blocks and read-only ones."""
        schema = self.block(kind, type_name)
        if schema is None:
            return []
        return [*schema.names(), *self._raw.get("read_only", {}).get(kind, {}).get(type_name, [])]

    def provider_block(self) -> BlockSchema:
        return self._block(self._raw["provider_config"])

    def _block(self, index: int) -> BlockSchema:
        if index not in self._blocks:
            self._blocks[index] = BlockSchema(self._table[index], self._block)
        return self._blocks[index]


@cache
def load_schema(path: Path = SCHEMA_PATH) -> ProviderSchema:
    if not path.is_file():
        raise GlueflowError(
            f"the cached AWS provider schema {path} is missing",
            hint="regenerate it: .venv/bin/python -m glueflow.iac.schema_extract",
        )
    return ProviderSchema(json.loads(gzip.decompress(path.read_bytes())))
