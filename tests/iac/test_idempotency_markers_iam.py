"""Finding 9: the Glue role (which writes the temp bucket) must not touch the S3-event Lambda's idempotency markers
kept there: a job could forge "started" (an upload never starts a run) or delete one (a second run starts)."""

from __future__ import annotations

from pathlib import Path

from glueflow.iac.hcl import Block, expression_text, parse_file

MODULE = Path(__file__).resolve().parents[2] / "modules" / "glue_iam" / "main.tf"


def _document(name: str) -> Block:
    blocks = parse_file(MODULE).blocks
    return next(b for b in blocks if b.type == "data" and b.labels == ("aws_iam_policy_document", name))


def _statements(document: Block) -> list[Block]:
    direct = document.children("statement")
    dynamic = [c for d in document.children("dynamic") if d.labels == ("statement",) for c in d.children("content")]
    return direct + dynamic


def _value(block: Block, name: str) -> str:
    attribute = block.attribute(name)
    assert attribute is not None, name
    return expression_text(attribute.value)


def test_the_glue_role_is_denied_the_lambda_marker_prefix() -> None:
    glue = {_value(s, "sid").strip('"'): s for s in _statements(_document("glue"))}
    deny = glue["NoLambdaIdempotencyMarkers"]
    assert _value(deny, "effect").strip('"') == "Deny"
    actions = _value(deny, "actions")
    for action in ("s3:PutObject*", "s3:DeleteObject*", "s3:GetObject*"):
        assert action in actions
    resources = _value(deny, "resources")
    assert "idempotency_bucket" in resources and "idempotency_prefix" in resources
    # The deny covers exactly what the Lambda role may write: the same bucket/prefix expression.
    lambda_statements = {_value(s, "sid").strip('"'): s for s in _statements(_document("lambda"))}
    granted = _value(lambda_statements["IdempotencyMarkers"], "resources")
    assert "idempotency_bucket}/${" in granted.replace("each.value.", "") and "idempotency_prefix" in granted
