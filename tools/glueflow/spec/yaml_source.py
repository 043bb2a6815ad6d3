"""Load YAML while remembering the line of every key, so errors can point at the exact line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from glueflow.errors import SpecError, SpecProblem

KeyPath = tuple[str | int, ...]


@dataclass
class YamlSource:
    """A parsed YAML document as plain Python data, plus the 1-based line of every key path."""

    path: Path
    display_path: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, key_path: KeyPath) -> int | None:
        """The line of the deepest known ancestor of `key_path` (pydantic may point below the YAML)."""
        for depth in range(len(key_path), -1, -1):
            line = self.lines.get(tuple(key_path[:depth]))
            if line is not None:
                return line
        return None

    def problem(self, key_path: KeyPath, message: str, hint: str | None = None) -> SpecProblem:
        return SpecProblem(self.display_path, self.line_of(key_path), format_key_path(key_path), message, hint)


def format_key_path(key_path: KeyPath) -> str:
    text = ""
    for part in key_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: Path, display_path: str) -> YamlSource:
    """Parse `path`; a syntax error becomes a SpecError naming the file and line."""
    try:
        document = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SpecError(
            [
                SpecProblem(
                    display_path,
                    line,
                    "",
                    f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start}",
                    "save the file as UTF-8",
                )
            ]
        ) from None
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise SpecError([SpecProblem(display_path, line, "", f"invalid YAML: {exc.problem}")]) from exc
    source = YamlSource(path=path, display_path=display_path, data=None)
    source.lines[()] = 1
    source.data = _to_plain(document, (), source.lines)
    return source


def _to_plain(node: Any, key_path: KeyPath, lines: dict[KeyPath, int]) -> Any:
    if isinstance(node, CommentedMap):
        plain: dict[Any, Any] = {}
        for key, value in node.items():
            child = (*key_path, str(key))
            lines[child] = node.lc.key(key)[0] + 1
            plain[str(key)] = _to_plain(value, child, lines)
        return plain
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*key_path, index)
            lines[child] = node.lc.item(index)[0] + 1
            items.append(_to_plain(value, child, lines))
        return items
    if isinstance(node, str):
        return str(node)
    return node
