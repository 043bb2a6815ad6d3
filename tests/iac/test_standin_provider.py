"""The stand-in providers: the typed schema they serve, how they plan, the data source values, refusing apply."""

from __future__ import annotations

import json
import zlib

from tf.gen import tfplugin_pb2 as pb
from tf.types import Unknown
from tf.utils import read_dynamic_value, to_dynamic_value

from glueflow.iac.provider.data_sources import (
    ProviderConfig,
    go_json,
    read_caller_identity,
    read_partition,
    read_policy_document,
    read_region,
)
from glueflow.iac.provider.schema_pb import TypedSchema
from glueflow.iac.provider.server import StandInProvider
from glueflow.iac.provider.typed_schema import COMPUTED, OPTIONAL, REQUIRED, load_typed_schema
from glueflow.iac.provider.value_rules import check_values


def _block(provider: str, kind: str, name: str) -> dict:
    schema = load_typed_schema(provider)
    return schema["blocks"][schema[kind][name]]


def test_the_cached_aws_schema_is_6_69_1_with_every_type_and_real_types() -> None:
    schema = load_typed_schema("aws")
    assert schema["provider_version"] == "6.69.1"
    assert (len(schema["resource"]), len(schema["data"])) == (1735, 685)
    job = _block("aws", "resource", "aws_glue_job")
    assert job["a"]["timeout"] == ["number", OPTIONAL]
    assert job["a"]["default_arguments"] == [["map", "string"], OPTIONAL]
    assert job["a"]["role_arn"] == ["string", REQUIRED]
    assert job["a"]["arn"] == ["string", COMPUTED]  # read-only: Terraform rejects a value for it
    assert job["a"]["tags_all"][1] == OPTIONAL | COMPUTED
    min_items, max_items, command = job["b"]["command"]
    assert (min_items, max_items) == (1, 1)
    assert schema["blocks"][command]["a"]["script_location"] == ["string", REQUIRED]


def test_the_archive_schema_names_computed_attributes_as_terraform_does() -> None:
    archive = _block("archive", "data", "archive_file")
    assert archive["a"]["output_base64sha256"] == ["string", COMPUTED]  # jsii calls it outputBase64Sha256
    assert archive["a"]["output_path"] == ["string", REQUIRED]


def test_only_the_named_types_are_served_plus_near_misses_for_did_you_mean() -> None:
    schema = TypedSchema(load_typed_schema("aws"), {"aws_glue_job", "aws_glue_triggers", "aws_partition"})
    served = schema.response
    assert "aws_glue_job" in served.resource_schemas and "aws_glue_trigger" in served.resource_schemas
    assert "aws_glue_triggers" not in served.resource_schemas
    assert list(served.data_source_schemas) == ["aws_partition"]
    command = next(b for b in served.resource_schemas["aws_glue_job"].block.block_types if b.type_name == "command")
    assert (command.nesting, command.min_items, command.max_items) == (pb.Schema.NestedBlock.LIST, 1, 1)


def _provider() -> StandInProvider:
    provider = StandInProvider("aws", lambda: None)
    config = {
        "region": "eu-west-1",
        "allowed_account_ids": ["111111111111"],
        "default_tags": [{"tags": {"owner": "x"}}],
    }
    provider.ConfigureProvider(pb.ConfigureProvider.Request(config=to_dynamic_value(config)), None)
    return provider


def test_a_create_plans_computed_attributes_unknown_and_tags_all_merged() -> None:
    provider = _provider()
    block = _block("aws", "resource", "aws_glue_workflow")
    proposed = {name: None for name in block["a"]} | {"name": "wf", "tags": {"team": "data"}}
    request = pb.PlanResourceChange.Request(
        type_name="aws_glue_workflow", proposed_new_state=to_dynamic_value(proposed), prior_state=to_dynamic_value(None)
    )
    planned = read_dynamic_value(provider.PlanResourceChange(request, None).planned_state)
    assert planned["name"] == "wf"
    assert planned["arn"] is Unknown and planned["id"] is Unknown
    assert planned["region"] == "eu-west-1"
    assert planned["tags_all"] == {"owner": "x", "team": "data"}
    assert planned["description"] is None  # optional, not computed: stays null


def test_apply_and_import_are_refused_with_a_clear_message() -> None:
    provider = _provider()
    response = provider.ApplyResourceChange(pb.ApplyResourceChange.Request(type_name="aws_glue_job"), None)
    (diagnostic,) = response.diagnostics
    assert diagnostic.severity == pb.Diagnostic.ERROR
    assert diagnostic.summary == "glueflow's offline stand-in for hashicorp/aws cannot apply"
    assert "glueflow deploy" in diagnostic.detail
    imported = provider.ImportResourceState(pb.ImportResourceState.Request(type_name="aws_glue_job"), None)
    assert imported.diagnostics[0].summary == diagnostic.summary


def test_partition_caller_identity_and_region_come_from_the_provider_block() -> None:
    provider = ProviderConfig.from_config({"region": "eu-west-1", "allowed_account_ids": ["222222222222"]})
    assert read_partition({}, provider)["partition"] == "aws"
    assert read_partition({}, ProviderConfig(region="cn-north-1"))["dns_suffix"] == "amazonaws.com.cn"
    identity = read_caller_identity({}, provider)
    assert identity["account_id"] == "222222222222"
    assert identity["arn"].startswith("arn:aws:iam::222222222222:")
    region = read_region({}, provider)
    assert (region["name"], region["description"]) == ("eu-west-1", "Europe (Ireland)")


def test_a_policy_document_renders_like_the_provider() -> None:
    statement = {
        "sid": "",
        "effect": None,
        "actions": ["s3:GetObject", "s3:PutObject"],
        "resources": ["arn:aws:s3:::b/*"],
        "principals": [{"type": "Service", "identifiers": ["glue.amazonaws.com"]}],
        "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["1", "2"]}],
    }
    document = read_policy_document({"statement": [statement]}, ProviderConfig())
    assert json.loads(document["json"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:GetObject"],  # several: reverse-sorted, as policy_model.go does
                "Resource": "arn:aws:s3:::b/*",  # one: a plain string
                "Principal": {"Service": "glue.amazonaws.com"},
                "Condition": {"StringEquals": {"aws:SourceAccount": ["2", "1"]}},
            }
        ],
    }
    assert document["json"].startswith('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect"')
    assert document["minified_json"] == go_json(json.loads(document["json"]))
    assert document["id"] == str(zlib.crc32(document["json"].encode()))
    star = read_policy_document(
        {"statement": [{"principals": [{"type": "*", "identifiers": ["*"]}]}]}, ProviderConfig()
    )
    assert json.loads(star["json"])["Statement"][0]["Principal"] == "*"
    assert go_json({"a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e"}'


def test_value_rules_judge_known_values_only_and_link_their_source() -> None:
    config = {
        "worker_type": "G.1x",
        "glue_version": "4.0",
        "command": [{"name": "pythonshell", "python_version": "3.9"}],
    }
    messages = {d.summary: d.detail for d in check_values("aws_glue_job", config).diagnostics}
    assert "Invalid worker_type" in messages and "https://docs.aws.amazon.com/glue/" in messages["Invalid worker_type"]
    assert (
        "a pythonshell job can be created on Glue 1.0, 3.0, not '4.0'"
        in messages["Glue version not available for this job type"]
    )
    unknown = {"worker_type": Unknown, "glue_version": Unknown, "command": [{"name": "glueetl"}]}
    assert check_values("aws_glue_job", unknown).diagnostics == []
    runtime = check_values("aws_lambda_function", {"runtime": "python3.8"}).diagnostics
    assert [d.summary for d in runtime] == ["Deprecated Lambda runtime"]
    assert check_values("aws_lambda_function", {"runtime": "python3.12"}).diagnostics == []


def test_a_value_for_a_read_only_attribute_is_rejected_at_its_path() -> None:
    provider = _provider()
    config = {"name": "wf", "arn": "arn:aws:glue:eu-west-1:111111111111:workflow/wf"}
    request = pb.ValidateResourceConfig.Request(type_name="aws_glue_workflow", config=to_dynamic_value(config))
    (diagnostic,) = provider.ValidateResourceConfig(request, None).diagnostics
    assert diagnostic.summary == "Invalid Configuration for Read-Only Attribute"
    assert [step.attribute_name for step in diagnostic.attribute.steps] == ["arn"]
    clean = pb.ValidateResourceConfig.Request(type_name="aws_glue_workflow", config=to_dynamic_value({"name": "wf"}))
    assert list(provider.ValidateResourceConfig(clean, None).diagnostics) == []
