"""Template errors point at the template's own line: invalid Python in the output is traced back through `{% if %}`
lines and loops to the template line that wrote it, and an undefined value names the line that used it."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from glueflow.errors import GlueflowError
from glueflow.render import render
from glueflow.spec import load_deployment
from glueflow.template_lines import template_line_of_output

TEMPLATE = "customer_purchases/map_purchases.py.j2"


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_invalid_python_points_at_the_template_line_not_the_rendered_one(project: Path) -> None:
    template = project / "glue_jobs" / TEMPLATE
    # Two {% if %} lines print nothing (the rendered line moves up 2), a loop prints 3 lines (it moves down 3).
    text = (
        template.read_text()
        + "{% if false %}\nskipped = 1\n{% endif %}\n{% for i in [1, 2, 3] %}\nx{{ i }} = {{ i }}\n{% endfor %}\n"
        + "def broken(:\n    pass\n"
    )
    template.write_text(text)

    with pytest.raises(GlueflowError) as caught:
        render(load_deployment("local", root=project))

    message = str(caught.value)
    assert f"glue_jobs/{TEMPLATE}:{_line(text, 'def broken(')} renders invalid Python" in message
    rendered_line = int(message.split("(line ")[1].split(" ")[0])
    assert rendered_line != _line(text, "def broken(")  # the rendered script's line is not the template's


def test_an_undefined_value_names_the_template_line_that_used_it(project: Path) -> None:
    spec = project / "pipelines" / "customer_purchases.yaml"
    spec.write_text(spec.read_text().replace("      source_table: input\n", ""))
    text = (project / "glue_jobs" / TEMPLATE).read_text()

    with pytest.raises(GlueflowError) as caught:
        render(load_deployment("local", root=project))

    assert f"glue_jobs/{TEMPLATE}:{_line(text, 'source_table')}:" in str(caught.value)


@pytest.mark.parametrize(
    ("source", "output_line", "template_line"),
    [
        ("a\nb\nc\n", 2, 2),
        ("a\n{% if x %}\nb\n{% endif %}\nc\n", 5, 5),  # the if / endif lines leave empty lines
        ("{% for i in [1, 2] %}\ni{{ i }}\n{% endfor %}\nend\n", 6, 4),
        ("x = {{ v }}\ny\n", 3, 2),  # a two-line value
    ],
)
def test_output_lines_map_back_to_template_lines(source: str, output_line: int, template_line: int) -> None:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    rendered = environment.from_string(source).render(x=True, v="1\n2")
    assert rendered.splitlines()[output_line - 1] in source.splitlines()[template_line - 1]
    assert template_line_of_output(environment, source, {"x": True, "v": "1\n2"}, output_line) == template_line
