"""The typed schema (typed_schema.py) as tfplugin6 protobuf messages, and walks over values shaped by it.

The `tf` framework's schema classes cannot express AWS's nested blocks or nested attribute objects, so the
GetProviderSchema message is built here directly from the generated tfplugin6 protobuf classes `tf` ships.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from functools import cached_property
from typing import Any

from tf.gen import tfplugin_pb2 as pb
from tf.types import Unknown

from glueflow.iac.provider.typed_schema import COMPUTED, OPTIONAL, REQUIRED

_OBJECT_NESTING = {"single": pb.Schema.Object.SINGLE, "list": pb.Schema.Object.LIST}


class TypedSchema:
    """One provider's typed schema: pb messages for GetProviderSchema and block lookups for planning."""

    def __init__(self, raw: dict[str, Any], types: set[str] | None = None) -> None:
        self.raw = raw
        self.blocks: list[dict[str, Any]] = raw["blocks"]
        self._pb_blocks: dict[int, pb.Schema.Block] = {}
        self.served = {kind: _served(raw[kind], types) for kind in ("resource", "data")}

    def block_of(self, kind: str, type_name: str) -> dict[str, Any] | None:
        index = self.raw[kind].get(type_name)
        return None if index is None else self.blocks[index]

    @cached_property
    def response(self) -> pb.GetProviderSchema.Response:
        empty = pb.Schema(block=pb.Schema.Block())
        provider = self.raw["provider_config"]
        return pb.GetProviderSchema.Response(
            provider=pb.Schema(block=self.pb_block(provider)) if provider >= 0 else empty,
            provider_meta=empty,
            resource_schemas={name: pb.Schema(block=self.pb_block(i)) for name, i in self.served["resource"].items()},
            data_source_schemas={name: pb.Schema(block=self.pb_block(i)) for name, i in self.served["data"].items()},
        )

    def pb_block(self, index: int) -> pb.Schema.Block:
        if index not in self._pb_blocks:
            raw = self.blocks[index]
            self._pb_blocks[index] = pb.Schema.Block(
                attributes=[self._pb_attribute(name, spec) for name, spec in raw["a"].items()],
                block_types=[
                    pb.Schema.NestedBlock(
                        type_name=name,
                        block=self.pb_block(child),
                        nesting=pb.Schema.NestedBlock.LIST,
                        min_items=min_items,
                        max_items=max_items,
                    )
                    for name, (min_items, max_items, child) in raw["b"].items()
                ],
            )
        return self._pb_blocks[index]

    def _pb_attribute(self, name: str, spec: list[Any]) -> pb.Schema.Attribute:
        type_, flags = spec
        common = {
            "name": name,
            "required": bool(flags & REQUIRED),
            "optional": bool(flags & OPTIONAL),
            "computed": bool(flags & COMPUTED),
        }
        if isinstance(type_, dict):
            nested = self.blocks[type_["b"]]
            return pb.Schema.Attribute(
                **common,
                nested_type=pb.Schema.Object(
                    attributes=[self._pb_attribute(n, s) for n, s in nested["a"].items()],
                    nesting=_OBJECT_NESTING[type_["n"]],
                ),
            )
        return pb.Schema.Attribute(**common, type=json.dumps(type_).encode())


def _served(types: dict[str, int], wanted: set[str] | None) -> dict[str, int]:
    """The types the configuration names, plus the near misses of unknown names (Terraform's "Did you mean")."""
    if wanted is None:
        return types
    names = {name for name in wanted if name in types}
    for name in wanted - names:
        names.update(difflib.get_close_matches(name, types, n=3, cutoff=0.8))
    return {name: types[name] for name in sorted(names)}


Fill = Callable[[str, dict[str, Any]], Any]  # (attribute, the object planned so far) -> planned computed value


def plan_block(schema: TypedSchema, block: dict[str, Any], value: dict[str, Any] | None, fill: Fill) -> Any:
    """The planned value of a created object: configured values kept, unset computed attributes from `fill`."""
    if value is None or value is Unknown:
        return value
    planned = dict(value)
    for name, (_, flags) in block["a"].items():
        if flags & COMPUTED and planned.get(name) is None:
            planned[name] = fill(name, planned)
    for name, (_, _, child) in block["b"].items():
        items = planned.get(name)
        if isinstance(items, list):
            planned[name] = [plan_block(schema, schema.blocks[child], item, _unknown) for item in items]
    return planned


def _unknown(_name: str, _planned: dict[str, Any]) -> Any:
    return Unknown


def null_object(block: dict[str, Any]) -> dict[str, Any]:
    """Every attribute null and every block empty: the shape Terraform expects a block's object value to have."""
    return {**dict.fromkeys(block["a"]), **{name: [] for name in block["b"]}}


def read_only_values(schema: TypedSchema, block: dict[str, Any], config: Any, path: list[Any] | None = None):
    """(path, name) of every computed-only attribute the configuration sets, in nested blocks too."""
    path = path or []
    if not isinstance(config, dict):
        return
    for name, (_, flags) in block["a"].items():
        if flags == COMPUTED and config.get(name) is not None:
            yield [*path, name], name
    for name, (_, _, child) in block["b"].items():
        items = config.get(name)
        if isinstance(items, list):
            for index, item in enumerate(items):
                yield from read_only_values(schema, schema.blocks[child], item, [*path, name, (index,)])
