"""Which line of a Jinja template produced a given line of its output, and where in a template an error was raised.

Jinja maps its compiled code back to template lines for exceptions, but not output lines back to template lines:
`{% if %}` lines that print nothing, loops and multi-line values shift them. `template_line_of_output` renders the
template once more with a marker at the start of every template line that is plain text (Jinja's own lexer says
which), and reads the marker that precedes the output line. Only used on the error path.
"""

from __future__ import annotations

import re
import traceback
from typing import Any

import jinja2

_MARK = "\x1eglueflow-line-{}\x1e"
_MARKS = re.compile("\x1eglueflow-line-(\\d+)\x1e")


def _text_line_starts(environment: jinja2.Environment, source: str) -> list[int]:
    """Offsets in `source` where a line starts inside template text (not inside a {{ }} or {% %} tag)."""
    spans, position = [], 0
    for _, token, value in environment.lex(source):
        if token != "data":
            continue
        start = source.find(value, position)
        if start < 0:
            continue
        spans.append((start, start + len(value)))
        position = start + len(value)
    starts = [0, *(i + 1 for i, c in enumerate(source) if c == "\n")]
    return [s for s in starts if any(a <= s < b for a, b in spans)]


def template_line_of_output(
    environment: jinja2.Environment, source: str, context: dict[str, Any], output_line: int
) -> int | None:
    """The template line that wrote line `output_line` (1-based) of the rendered output, if it can be told."""
    marked = source
    for offset in reversed(_text_line_starts(environment, source)):
        marked = marked[:offset] + _MARK.format(source.count("\n", 0, offset) + 1) + marked[offset:]
    try:
        output = environment.from_string(marked).render(context)
    except jinja2.TemplateError:
        return None
    return _line_before(_MARKS.split(output), output_line)


def _line_before(parts: list[str], wanted: int) -> int | None:
    """Walk output text (even parts) and markers (odd parts: template line numbers): the template line of the last
    marker at or before the start of output line `wanted`, plus the output lines between them."""
    line, at_line_start, last_mark = 1, True, None
    for index, part in enumerate(parts):
        if index % 2 == 1:
            if line == wanted and at_line_start:
                return int(part)
            last_mark = (int(part), line)
            continue
        newlines = part.count("\n")
        starts_inside = line < wanted < line + newlines or (wanted == line + newlines > line and part[-1:] != "\n")
        if starts_inside or (line == wanted and at_line_start):
            return last_mark[0] + (wanted - last_mark[1]) if last_mark else None
        line += newlines
        at_line_start = part.endswith("\n") or (at_line_start and not part)
    return None


def template_line_of_error(error: BaseException, template_filename: str | None) -> int | None:
    """The template line Jinja's rewritten traceback gives for an error raised while rendering (e.g. undefined)."""
    if template_filename is None:
        return None
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == template_filename]
    return frames[-1].lineno if frames else None
