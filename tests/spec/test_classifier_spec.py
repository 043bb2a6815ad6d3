"""The `classifiers:` key: custom CSV/JSON classifiers as CreateClassifier takes them, attached to crawlers by name,
resolved into terraform.tfvars.json; mistakes name file, key path and line."""

from __future__ import annotations

from pathlib import Path

from glueflow.spec import load_deployment

from .test_validation import VALID, bad_project, line_of, only, problems

__all__ = ["bad_project"]  # the fixture, shared with test_validation

CLASSIFIERS = """\
classifiers:
  with_header:
    csv:
      contains_header: PRESENT
      delimiter: ";"
      quote_symbol: "'"
      header: [id, name]
  records:
    json:
      json_path: $.records[*]
"""
WITH_CLASSIFIERS = VALID.replace("crawlers:\n", CLASSIFIERS + "crawlers:\n").replace(
    "  source:\n    targets:", "  source:\n    classifiers: [with_header, records]\n    targets:"
)


def test_classifiers_resolve_to_physical_names_in_crawler_order(bad_project: Path) -> None:
    (bad_project / "pipelines" / "bad.yaml").write_text(WITH_CLASSIFIERS)
    pipeline = load_deployment("local", root=bad_project).tfvars.pipelines["bad"]
    csv = pipeline.classifiers["with_header"]
    assert csv.name == "glueflow-local-bad-with-header" and csv.json_classifier is None
    assert csv.csv_classifier is not None
    assert csv.csv_classifier.model_dump() == {
        "delimiter": ";",
        "quote_symbol": "'",
        "contains_header": "PRESENT",
        "header": ["id", "name"],
        "disable_value_trimming": False,
        "allow_single_column": False,
    }
    records = pipeline.classifiers["records"]
    assert records.json_classifier is not None and records.json_classifier.json_path == "$.records[*]"
    assert pipeline.crawlers["source"].classifiers == ["with_header", "records"]


def test_a_crawler_naming_an_unknown_classifier(bad_project: Path) -> None:
    text = WITH_CLASSIFIERS.replace("classifiers: [with_header, records]", "classifiers: [with_header, recrods]")
    problem = only(problems(bad_project, text))
    assert problem.key_path == "crawlers.source.classifiers[1]"
    assert problem.line == line_of(text, "classifiers: [with_header, recrods]")
    assert problem.message == "unknown classifier 'recrods'"
    assert problem.hint == "classifiers defined in this pipeline are: records, with_header"


def test_quote_symbol_equal_to_the_delimiter_is_rejected(bad_project: Path) -> None:
    text = WITH_CLASSIFIERS.replace("""quote_symbol: "'\"""", 'quote_symbol: ";"')
    problem = only(problems(bad_project, text))
    assert problem.key_path == "classifiers.with_header.csv"
    assert "quote_symbol must differ from the delimiter" in problem.message


def test_a_delimiter_of_two_characters_and_a_bad_header_option(bad_project: Path) -> None:
    text = WITH_CLASSIFIERS.replace('delimiter: ";"', 'delimiter: ";;"').replace("PRESENT", "YES")
    found = problems(bad_project, text)
    assert {p.key_path for p in found} == {
        "classifiers.with_header.csv.delimiter",
        "classifiers.with_header.csv.contains_header",
    }
    assert next(p for p in found if p.key_path.endswith("delimiter")).line == line_of(text, 'delimiter: ";;"')


def test_a_classifier_with_both_kinds_or_a_bad_json_path(bad_project: Path) -> None:
    both = WITH_CLASSIFIERS.replace("  records:\n    json:", "  records:\n    csv: {}\n    json:")
    problem = only(problems(bad_project, both))
    assert problem.key_path == "classifiers.records"
    assert "exactly one of 'csv' or 'json'" in problem.message
    bad_path = WITH_CLASSIFIERS.replace("json_path: $.records[*]", "json_path: records[")
    problem = only(problems(bad_project, bad_path))
    assert problem.key_path == "classifiers.records.json.json_path"
    assert problem.line == line_of(bad_path, "json_path: records[")
    assert "must start at the document root '$'" in problem.message
