"""A spec's problems come all at once: an invalid value (bad cron, wrong enum) does not hide the pipeline-wide
rules (unknown jobs), and enum errors quote the allowed values as they must be written."""

from __future__ import annotations

from pathlib import Path

import pytest

from glueflow.errors import SpecError
from glueflow.spec import load_deployment

from .test_validation import VALID, bad_project, line_of  # noqa: F401


def _problems(root: Path, text: str) -> list[str]:
    (root / "pipelines" / "bad.yaml").write_text(text)
    with pytest.raises(SpecError) as caught:
        load_deployment("local", root=root)
    return [f"{p.line} {p.key_path}: {p.message}" for p in caught.value.problems]


def test_a_bad_cron_and_an_unknown_job_are_reported_together(bad_project: Path) -> None:  # noqa: F811
    text = VALID.replace(
        "  start:\n    type: on_demand", "  start:\n    type: schedule\n    schedule: cron(0 99 * * ? *)"
    ).replace("        - job: clean\n", "        - job: claen\n")

    found = _problems(bad_project, text)

    assert found == [
        f"{line_of(text, 'schedule: cron')} triggers.start.schedule: "
        "invalid schedule 'cron(0 99 * * ? *)': hours: 99 is out of range 0-23",
        f"{line_of(text, 'job: claen')} triggers.cleaned.when.any[0].job: unknown job 'claen'",
    ]


def test_an_invalid_job_field_does_not_hide_an_unknown_reference(bad_project: Path) -> None:  # noqa: F811
    text = VALID.replace(
        "    template: testing/noop.py.j2\n    arguments",
        "    template: testing/noop.py.j2\n    workers: 1\n    arguments",
    )
    text = text.replace("        - crawler: source\n", "        - crawler: sauce\n")

    found = _problems(bad_project, text)

    assert any("jobs.clean.workers: Input should be greater than or equal to 2" in f for f in found)
    assert any("unknown crawler 'sauce'" in f for f in found)
    assert len(found) == 2


def test_enum_errors_quote_the_allowed_values_in_their_own_case(bad_project: Path) -> None:  # noqa: F811
    text = VALID.replace("  report:\n    template", "  report:\n    worker_type: g.1x\n    template")

    (found,) = _problems(bad_project, text)

    assert "got 'g.1x'; input should be 'G.025X', 'G.1X', 'G.2X', 'G.4X' or 'G.8X'" in found
    (bad_project / "pipelines" / "bad.yaml").write_text(text.replace("g.1x", "G.1X"))  # following the message works
    assert load_deployment("local", root=bad_project).specs["bad"].jobs["report"].worker_type == "G.1X"
