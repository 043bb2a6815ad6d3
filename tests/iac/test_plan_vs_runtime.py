"""The plan held against the runtime: what is missing, what is extra, and where the finding points."""

from __future__ import annotations

from pathlib import Path

from glueflow.iac.plan_vs_runtime import compare
from glueflow.local.definitions import pipeline_definitions
from glueflow.spec import load_deployment

REPO = Path(__file__).resolve().parents[2]


def test_missing_and_extra_glue_resources_are_findings_at_the_resource_block() -> None:
    tfvars = load_deployment("dev", root=REPO).tfvars
    stray = {
        "address": 'module.glue_job.aws_glue_job.this["x/stray"]',
        "mode": "managed",
        "type": "aws_glue_job",
        "change": {"actions": ["create"], "after": {"name": "stray"}, "after_unknown": {}},
    }
    result = compare("dev", {"resource_changes": [stray]}, tfvars, "terraform plan", REPO)
    assert result.findings is not None
    defined = sum(
        len(shapes)
        for key, pipeline in tfvars.pipelines.items()
        for kind, shapes in pipeline_definitions(key, pipeline, tfvars.environment).items()
    )
    missing = [f for f in result.findings if "the plan creates no" in f.message]
    assert len(missing) == defined
    (extra,) = [f for f in result.findings if "which the local runtime does not define" in f.message]
    lines = (REPO / "modules/glue_job/main.tf").read_text().splitlines()
    assert (extra.file, extra.line) == ("modules/glue_job/main.tf", lines.index('resource "aws_glue_job" "this" {') + 1)
