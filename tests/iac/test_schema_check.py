"""The schema check against the hashicorp/aws schema: real mistakes in real HCL, reported with file:line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from glueflow.iac.hcl import parse_file, parse_text, tf_files
from glueflow.iac.schema import load_schema
from glueflow.iac.schema_check import SchemaCheckResult, check_files

MODULE_MAIN = "modules/glue_job/main.tf"


def schema_check(root: Path) -> SchemaCheckResult:
    files = [parse_file(p) for p in tf_files([root / "terraform", root / "modules"])]
    return check_files(files, load_schema(), root)


def messages(result: SchemaCheckResult) -> list[str]:
    return [f.render() for f in result.findings]


def check_snippet(tmp_path: Path, hcl: str) -> list[str]:
    path = tmp_path / "main.tf"
    path.write_text(hcl)
    return messages(check_files([parse_file(path)], load_schema(), tmp_path))


def test_the_clean_fixture_has_no_findings_and_counts_what_it_checked(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree())
    assert messages(result) == []
    # log group, glue job, trigger, policy document: 4 typed blocks; the provider "aws" block is checked too.
    assert result.resources_checked == 4
    assert result.arguments_checked >= 25
    assert result.blocks_checked >= 6
    # aws_cloudwatch_log_group.job[each.key].name and aws_glue_job.this[each.key].name
    assert result.references_checked == 2


def test_a_misspelled_argument_is_reported_with_line_and_suggestion(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree("misspelled_argument"))
    assert messages(result) == [
        f'{MODULE_MAIN}:15: resource "aws_glue_job" "this": unsupported argument "timout"; did you mean "timeout"?'
    ]


def test_a_block_at_the_wrong_depth_says_where_it_belongs(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree("wrong_depth"))
    assert messages(result) == [
        f'{MODULE_MAIN}:56: resource "aws_glue_trigger" "after": predicate: missing required block "conditions" '
        "(write `conditions { ... }`)",
        f'{MODULE_MAIN}:60: resource "aws_glue_trigger" "after": unsupported block type "conditions"; '
        'it belongs inside "predicate"',
    ]


def test_a_missing_required_argument_is_reported_on_the_resource_line(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree("missing_required"))
    assert messages(result) == [
        f'{MODULE_MAIN}:9: resource "aws_glue_job" "this": missing required argument "role_arn"'
    ]


def test_a_missing_required_block_is_reported(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree("missing_required_block"))
    assert messages(result) == [
        f'{MODULE_MAIN}:50: resource "aws_glue_trigger" "after": missing required block "actions" '
        "(write `actions { ... }`)"
    ]


def test_an_unknown_resource_type_suggests_the_real_one(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree("unknown_type"))
    version = load_schema().version
    assert messages(result) == [
        f'{MODULE_MAIN}:50: resource "aws_glue_triggers" "after": unknown resource type "aws_glue_triggers" in '
        f'hashicorp/aws {version}; did you mean "aws_glue_trigger"?'
    ]


def test_a_block_written_as_an_argument_is_reported(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree("argument_as_block"))
    assert messages(result) == [
        f'{MODULE_MAIN}:32: resource "aws_glue_job" "this": "execution_property" is a block, not an argument: '
        'write `execution_property { ... }` without "="'
    ]


def test_a_reference_to_an_attribute_the_type_does_not_export_is_reported(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree("bad_reference"))
    assert messages(result) == [
        f'{MODULE_MAIN}:65: resource "aws_glue_trigger" "after": reference aws_glue_job.this[each.key].job_name: '
        '"aws_glue_job" has no attribute "job_name"; did you mean "job_mode"?'
    ]


def test_references_are_checked_in_every_block_but_never_in_plain_text(tmp_path: Path) -> None:
    hcl = """
resource "aws_glue_job" "j" {
  name        = "j-${data.aws_caller_identity.current.account_id}"
  role_arn    = aws_iam_role.r.arnn
  description = "mentions aws_s3_bucket.b.nope in plain text"
  tags        = { owner = var.aws_x.y.z, bucket = aws_s3_bucket.b["k"].bucket_domain_name }
  command {
    script_location = "s3://${aws_s3_bucket.b[0].id}/x.py"
  }
}

output "arn" {
  description = "The job's ARN."
  value       = aws_glue_jobb.j.arn
}

locals {
  policy = data.aws_iam_policy_document.p.minified_jsn
}
"""
    path = tmp_path / "main.tf"
    path.write_text(hcl)
    result = check_files([parse_file(path)], load_schema(), tmp_path)
    assert [f.render() for f in result.findings] == [
        'main.tf:4: resource "aws_glue_job" "j": reference aws_iam_role.r.arnn: "aws_iam_role" has no attribute '
        '"arnn"; did you mean "arn"?',
        'main.tf:14: output "arn": reference aws_glue_jobb.j.arn: unknown resource type "aws_glue_jobb"; '
        'did you mean "aws_glue_job"?',
        'main.tf:18: locals: reference data.aws_iam_policy_document.p.minified_jsn: "aws_iam_policy_document" has '
        'no attribute "minified_jsn"; did you mean "minified_json"?',
    ]
    assert result.references_checked == 6


def test_a_syntax_error_names_the_file_and_line(hcl_tree: Callable[..., Path]) -> None:
    result = schema_check(hcl_tree("syntax_error"))
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert (finding.file, finding.line, finding.check) == (MODULE_MAIN, 5, "syntax")
    assert finding.message.startswith("syntax error: Unexpected token")


def test_meta_arguments_lifecycle_provisioner_and_dynamic_blocks_are_accepted(tmp_path: Path) -> None:
    hcl = """
resource "aws_sqs_queue" "dlq" {
  count                   = 1
  name                    = "dlq"
  sqs_managed_sse_enabled = true
  provider                = aws.eu
  depends_on              = [aws_sqs_queue.other]
  lifecycle {
    prevent_destroy = true
  }
  provisioner "local-exec" {
    command = "echo created"
  }
}

resource "aws_glue_trigger" "t" {
  for_each = var.triggers
  name     = each.key
  type     = "CONDITIONAL"
  dynamic "predicate" {
    for_each = [each.value]
    iterator = p
    content {
      logical = p.value.logical
      dynamic "conditions" {
        for_each = p.value.conditions
        content {
          job_name = conditions.value
          state    = "SUCCEEDED"
        }
      }
    }
  }
  dynamic "actions" {
    for_each = each.value.actions
    content {
      job_name = actions.value
    }
  }
}
"""
    assert check_snippet(tmp_path, hcl) == []


def test_mistakes_inside_dynamic_content_are_found(tmp_path: Path) -> None:
    hcl = """
resource "aws_glue_trigger" "t" {
  name = "t"
  type = "ON_DEMAND"
  dynamic "action" {
    for_each = ["a"]
    content {
      job_name = action.value
    }
  }
  dynamic "actions" {
    for_each = ["a"]
    content {
      job_nme = actions.value
    }
  }
}
"""
    assert check_snippet(tmp_path, hcl) == [
        'main.tf:5: resource "aws_glue_trigger" "t": dynamic block of unsupported block type "action"; '
        'did you mean "actions"?',
        'main.tf:14: resource "aws_glue_trigger" "t": actions: unsupported argument "job_nme"; did you mean "job_name"?',
    ]


def test_data_sources_nested_blocks_and_the_provider_block_are_checked(tmp_path: Path) -> None:
    hcl = """
provider "aws" {
  region = "eu-west-1"
  default_tag {
    tags = {}
  }
}

data "aws_iam_policy_document" "p" {
  statement {
    actions  = ["s3:GetObject"]
    resource = ["arn:aws:s3:::b/*"]
    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "sse" {
  bucket = "b"
  rule {
    apply_server_side_encryption_by_default {
      kms_master_key_id = "k"
    }
  }
}
"""
    assert check_snippet(tmp_path, hcl) == [
        'main.tf:4: provider "aws": unsupported block type "default_tag"; did you mean "default_tags"?',
        'main.tf:12: data "aws_iam_policy_document" "p": statement: unsupported argument "resource"; '
        'did you mean "resources"?',
        'main.tf:23: resource "aws_s3_bucket_server_side_encryption_configuration" "sse": '
        'rule.apply_server_side_encryption_by_default: missing required argument "sse_algorithm"',
    ]


def test_a_single_block_repeated_and_an_argument_written_as_a_block_are_reported(tmp_path: Path) -> None:
    hcl = """
resource "aws_glue_job" "j" {
  name     = "j"
  role_arn = "r"
  command {
    script_location = "s3://b/a.py"
  }
  command {
    script_location = "s3://b/b.py"
  }
  default_arguments {
    x = "y"
  }
}
"""
    assert check_snippet(tmp_path, hcl) == [
        'main.tf:8: resource "aws_glue_job" "j": too many "command" blocks: at most one is allowed',
        'main.tf:11: resource "aws_glue_job" "j": "default_arguments" is an argument, not a block: '
        "write `default_arguments = ...`",
    ]


def test_other_providers_are_listed_as_not_checked(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('data "archive_file" "zip" {\n  type = "zip"\n}\n')
    result = check_files([parse_file(tmp_path / "main.tf")], load_schema(), tmp_path)
    assert result.findings == []
    assert result.resources_checked == 0
    assert result.unchecked_types == {"archive_file"}


@pytest.mark.parametrize("name", ["aws_glue_job", "aws_glue_trigger", "aws_s3_bucket", "aws_lambda_function"])
def test_the_parser_keeps_block_lines(name: str) -> None:
    blocks = parse_text(f'\n\nresource "{name}" "x" {{\n  a = 1\n  b {{\n    c = 2\n  }}\n}}\n')
    (block,) = blocks
    assert (block.type, block.labels, block.line) == ("resource", (name, "x"), 3)
    assert [(a.name, a.line) for a in block.attributes] == [("a", 4)]
    assert [(b.type, b.line, b.attributes[0].line) for b in block.blocks] == [("b", 5, 6)]
