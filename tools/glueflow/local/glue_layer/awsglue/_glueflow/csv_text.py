"""What the CSV reader learns from the raw text of header-less files without a Spark pass: the widest line
(Glue's reader widens to it) and which columns are text for certain (so type inference can be skipped).

Both are hand-written scans of a few bytes per file rather than Spark queries: a Spark job over a million lines
costs seconds (more under the C1-only JIT of small jobs), a byte scan a tenth of a second, and the first line of
each file is a few bytes. Lines end at \\n, \\r\\n or \\r, as for Hadoop's LineRecordReader.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

# Hadoop's text reader decompresses by suffix; Python opens these two itself, Spark reads the others.
_PYTHON_CODECS = {".gz": "gzip", ".bz2": "bz2"}
SPARK_ONLY_CODECS = (".deflate", ".lz4", ".snappy", ".zst")
_CHUNK = 1 << 22

# Every text Spark's CSV type inference could take for a number (Integer/Long.parseInt, BigDecimal without
# grouping commas, Double.parseDouble with its NaN, Infinity, hex and f/d-suffix forms, Spark's "Inf") once
# surrounding whitespace is stripped. Deliberately broad: a value it matches is never taken as proof of text.
_MAYBE_NUMBER = re.compile(
    r"[+-]?(NaN|Inf(inity)?|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?"
    r"|0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?[fFdD]?)"
)


def python_readable(files: list[str]) -> bool:
    return not any(Path(f).suffix.lower() in SPARK_ONLY_CODECS for f in files)


def _open(path: Path) -> BinaryIO:
    codec = _PYTHON_CODECS.get(path.suffix.lower())
    opener: Any = importlib.import_module(codec).open if codec else open
    return opener(path, "rb")  # type: ignore[no-any-return]


def _lines(stream: BinaryIO) -> Iterator[list[bytes]]:
    """The stream's lines, a chunk at a time (a line split across chunks is joined)."""
    carry = b""
    while chunk := stream.read(_CHUNK):
        lines = (carry + chunk).replace(b"\r", b"\n").split(b"\n")
        carry = lines.pop()
        yield lines
    if carry:
        yield [carry]


def widest_line(files: list[str], separator: str) -> int:
    """The field count of the widest line (separators counted, quotes ignored); 0 when there are no lines, as
    Spark's max over no rows. `files` must be `python_readable`."""
    sep = separator.encode("utf-8")
    widest = 0
    for file in files:
        with _open(Path(file)) as stream:
            for lines in _lines(stream):
                widest = max(widest, max((line.count(sep) for line in lines), default=-1) + 1)
    return widest


# Java's String.trim: what Spark's CSV reader strips before it calls a line blank.
_JAVA_BLANK = bytes(range(33))


def _first_line(path: Path) -> str:
    """The first line that is not blank (Spark's CSV reader skips blank lines), decoded as Spark does."""
    with _open(path) as stream:
        for lines in _lines(stream):
            for line in lines:
                if line.strip(_JAVA_BLANK):
                    return line.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return ""


def _is_text(value: str) -> bool:
    """A value Spark's CSV inference can only type as a string, a date or a timestamp (all text in this layer):
    not empty, not a boolean, not anything a number parser might take."""
    bare = value.strip()
    return bool(bare) and bare.lower() not in ("true", "false") and not _MAYBE_NUMBER.fullmatch(bare.replace(",", ""))


def first_lines(files: list[str], separator: str, quote: str, escape: str) -> tuple[set[int], int | None]:
    """(the positions that hold text (see _is_text) on the first non-blank line of some file, the field count all
    those lines share or None when they differ or one could not be split).

    Type inference joins every value's type and text absorbs all others, so a column with text on any line infers
    as text whatever the other lines hold. Spark takes the width of a header-less read from one first line (of
    the largest file); when all first lines have the same width, that is it. Lines with a quote or escape
    character are not split: only a plain split is sure to tokenize as Spark's parser does."""
    found: set[int] = set()
    widths: set[int | None] = set()
    for file in files:
        line = _first_line(Path(file))
        if not line:
            continue
        if (quote and quote in line) or (escape and escape in line):
            widths.add(None)
            continue
        values = line.split(separator)
        widths.add(len(values))
        found.update(i for i, value in enumerate(values) if _is_text(value))
    width = widths.pop() if len(widths) == 1 else None
    return found, width
