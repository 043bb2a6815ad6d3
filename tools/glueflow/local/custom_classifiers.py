"""Custom classifiers (CreateClassifier's CsvClassifier and JsonClassifier) for the local crawler.

Glue invokes a crawler's custom classifiers first, in the crawler's order; the first one that recognises a file
(certainty 1.0) gives its classification and schema, and only if none does do the built-in classifiers run
("Defining and managing classifiers", AWS Glue developer guide). A custom classifier here either recognises a
file or not, so "first match wins, else built-in" is that rule.

What counts as recognising, where the docs leave it open (our choices):
- CSV: the sampled rows split on `Delimiter` (quoted with `QuoteSymbol`) into a consistent number of fields
  (at least two, or one with `AllowSingleColumn`) for at least half the rows, and there is a data row below
  any header, as the built-in CSV classifier requires. A file that parses as JSON is left to the JSON
  classifiers: a JSON line also "splits" on commas.
  `ContainsHeader` PRESENT takes the first row as the header, ABSENT never does, UNKNOWN applies the built-in
  heuristic. `Header` names the columns (col<N> beyond its length); otherwise the header row does, else col0...
  `DisableValueTrimming` makes a cell with surrounding spaces a string.
- JSON: `JsonPath` is applied to every JSON document in the sample; the objects it selects are the records.
  No object selected: not recognised.
Classifiers are given in Glue's GetClassifier shape: {"CsvClassifier": {...}} or {"JsonClassifier": {...}}.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from glueflow.local.classifiers import (
    SAMPLE_RECORDS,
    FileSchema,
    _column_types,
    _estimate_records,
    _header_names,
    _is_header,
    _json_schema,
    _Sample,
)

JSON = dict[str, Any]


def classify_custom(sample: _Sample, size: int, classifiers: Sequence[JSON]) -> FileSchema | None:
    """The schema from the first classifier that recognises the sample (its name in `FileSchema.classifier`)."""
    for classifier in classifiers:
        if "CsvClassifier" in classifier:
            spec = classifier["CsvClassifier"]
            found = _csv(sample, size, spec)
        else:
            spec = classifier["JsonClassifier"]
            found = _json(sample, size, spec)
        if found is not None:
            return replace(found, classifier=spec["Name"])
    return None


# --- CSV ----------------------------------------------------------------------------------------------------


def _json_documents(text: str) -> list[Any]:
    """Every complete JSON value in `text` (JSON lines or concatenated documents); [] if it does not start as one."""
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return documents
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return documents  # a record cut by the sample boundary ends it
        documents.append(value)


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[") and bool(_json_documents(text))


def _csv(sample: _Sample, size: int, spec: JSON) -> FileSchema | None:
    delimiter, quote = spec.get("Delimiter", ","), spec.get("QuoteSymbol", '"')
    if _looks_like_json(sample.text):
        return None
    reader = csv.reader(io.StringIO(sample.text), delimiter=delimiter, quotechar=quote, strict=False)
    rows = [row for row in itertools.islice(reader, SAMPLE_RECORDS) if row]
    if not rows:
        return None
    width, agreeing = Counter(len(row) for row in rows).most_common(1)[0]
    if width < (1 if spec.get("AllowSingleColumn") else 2) or agreeing / len(rows) < 0.5:
        return None
    first, rest = rows[0], rows[1:]
    has_header = _has_header(spec.get("ContainsHeader", "UNKNOWN"), first, rest)
    data = rest if has_header else rows
    if not data:
        return None  # a header alone is no table (the built-in classifier also wants a data row)
    types = _column_types(data, width)
    if spec.get("DisableValueTrimming"):
        types = [t if _untrimmed(data, i) else "string" for i, t in enumerate(types)]
    names = _names(spec.get("Header") or [], first if has_header else None, width)
    counted = len(rows) if len(rows) < SAMPLE_RECORDS else _count_rows(sample.text, delimiter, quote)
    total = counted - has_header
    return FileSchema(
        classification="csv",
        compression=sample.compression,
        columns=tuple(zip(names, types, strict=True)),
        size=size,
        record_count=_estimate_records(total, sample, size),
        average_record_size=sample.sample_bytes // max(1, counted),
        delimiter=delimiter,
        has_header=has_header,
        quoted=_quoted(sample.text, delimiter, quote),
        quote_char=quote,
    )


def _quoted(text: str, delimiter: str, quote: str) -> bool:
    """Some field opens with the quote symbol (as the built-in classifier decides areColumnsQuoted)."""
    opens = re.compile(rf"(?:^|{re.escape(delimiter)})[ \t]*{re.escape(quote)}", re.MULTILINE)
    return quote in text and opens.search(text) is not None


def _count_rows(text: str, delimiter: str, quote: str) -> int:
    return sum(1 for row in csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote, strict=False) if row)


def _has_header(option: str, first: list[str], rest: list[list[str]]) -> bool:
    if option == "PRESENT":
        return True
    if option == "ABSENT":
        return False
    return _is_header(first, rest, _column_types(rest, len(first)))


def _untrimmed(rows: Sequence[Sequence[str]], index: int) -> bool:
    """True when no cell of the column has spaces around it (so trimming would not change its type)."""
    return all(row[index] == row[index].strip() for row in rows if index < len(row) and row[index].strip())


def _names(header: Sequence[str], header_row: list[str] | None, width: int) -> list[str]:
    if header:
        names = [name.lower() for name in header[:width]]
        return names + [f"col{i}" for i in range(len(names), width)]
    if header_row is not None:
        return (_header_names(header_row) + [f"col{i}" for i in range(len(header_row), width)])[:width]
    return [f"col{i}" for i in range(width)]


# --- JSON ---------------------------------------------------------------------------------------------------


def _json(sample: _Sample, size: int, spec: JSON) -> FileSchema | None:
    from glueflow.json_path import select

    path = spec["JsonPath"]
    records = [
        value
        for document in _json_documents(sample.text)
        for value in select(path, document)
        if isinstance(value, dict)
    ]
    # The records the path selects are typed exactly as the built-in classifier types whole-line records.
    return _json_schema(records, sample, size) if records else None
