"""JsonPath for custom JSON classifiers (`json_path: $[*]`): checked in the spec, applied by the local crawler.

Glue evaluates a JSON classifier's path with JsonPath (dot or bracket notation, `*`, `..`, indexes, slices and
filters); jsonpath-ng's extended parser reads the same syntax, so a path that parses here is one Glue accepts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


class JsonPathError(ValueError):
    """A path that does not parse."""


@lru_cache(maxsize=64)
def compile_path(path: str) -> Any:
    """The parsed path; raises JsonPathError naming the problem. Glue's paths start at the root, `$`."""
    from jsonpath_ng.ext import parse

    if not path.startswith("$"):
        raise JsonPathError(f"json_path '{path}' must start at the document root '$' (e.g. '$[*]' or '$.records[*]')")
    try:
        return parse(path)
    except Exception as exc:  # the lexer and parser raise several types, plain Exception among them
        raise JsonPathError(f"json_path '{path}' is not valid JsonPath: {exc}") from exc


def select(path: str, document: object) -> list[object]:
    """The values `path` selects in `document`, in document order."""
    return [match.value for match in compile_path(path).find(document)]
