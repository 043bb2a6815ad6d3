"""Check a raw AWS JSON 1.1 response body against botocore's output shape.

botocore's parser accepts a response with missing or misnamed keys (it just leaves them out), so a local endpoint
could drift from Glue without boto3 noticing. This walks the output shape: required members present, no member
the model does not define, every value of the right JSON type, enums within their values, length minimums.
"""

from __future__ import annotations

from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

_NUMBERS = {"integer": int, "long": int, "double": (int, float), "float": (int, float)}


def shape_problems(value: Any, shape: Shape, path: str = "$") -> list[str]:
    """Every way `value` (parsed JSON) departs from `shape`; empty when it conforms."""
    kind = shape.type_name
    if kind == "structure":
        return _structure(value, shape, path)  # type: ignore[arg-type]
    if kind == "list":
        return _list(value, shape, path)  # type: ignore[arg-type]
    if kind == "map":
        return _map(value, shape, path)  # type: ignore[arg-type]
    return _scalar(value, shape, path)


def _structure(value: Any, shape: StructureShape, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({shape.name}), got {type(value).__name__}"]
    problems = [f"{path}: missing required {name}" for name in shape.required_members if name not in value]
    for key, item in value.items():
        member = shape.members.get(key)
        if member is None:
            problems.append(f"{path}: {key} is not a member of {shape.name}")
        elif item is not None:
            problems += shape_problems(item, member, f"{path}.{key}")
    return problems


def _list(value: Any, shape: ListShape, path: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{path}: expected a list ({shape.name}), got {type(value).__name__}"]
    problems = []
    for index, item in enumerate(value):
        problems += shape_problems(item, shape.member, f"{path}[{index}]")
    return problems


def _map(value: Any, shape: MapShape, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected a map ({shape.name}), got {type(value).__name__}"]
    problems = []
    for key, item in value.items():
        problems += shape_problems(key, shape.key, f"{path}<key {key!r}>")
        problems += shape_problems(item, shape.value, f"{path}[{key!r}]")
    return problems


def _scalar(value: Any, shape: Shape, path: str) -> list[str]:
    kind = shape.type_name
    if kind in ("string", "blob"):
        if not isinstance(value, str):
            return [f"{path}: expected a string ({shape.name}), got {value!r}"]
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            return [f"{path}: {value!r} is not one of {shape.name} {list(enum)}"]
        minimum = shape.metadata.get("min")
        if minimum is not None and len(value) < minimum:
            return [f"{path}: {value!r} is shorter than {shape.name}'s minimum {minimum}"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean, got {value!r}"]
    if kind == "timestamp":  # AWS JSON 1.1 sends epoch seconds
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected an epoch-seconds timestamp, got {value!r}"]
    if kind in _NUMBERS:
        ok = isinstance(value, _NUMBERS[kind]) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected a {kind}, got {value!r}"]
    return [f"{path}: unknown shape type {kind}"]
