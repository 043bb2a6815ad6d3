"""Extraction of the provider schema from a jsii assembly, and the committed cached schema itself."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from glueflow.iac.schema import load_schema
from glueflow.iac.schema_extract import SCHEMA_PATH, compact_schema, write_schema

REGISTRY = "https://registry.terraform.io/providers/hashicorp/aws/6.1.0/docs"


def prop(name: str, anchor: str, type_: dict[str, Any], *, optional: bool = True, block: bool = False) -> dict:
    link = f"{{@link {REGISTRY}/resources/glue_job#{anchor} GlueJob#{anchor}}}"
    docs = (
        {"summary": f"{anchor} block.", "remarks": f"Docs at Terraform Registry: {link}"}
        if block
        else {"summary": f"Docs at Terraform Registry: {link}."}
    )
    return {"name": name, "docs": docs, "type": type_, **({"optional": True} if optional else {})}


def struct(fqn: str, *props: dict[str, Any]) -> dict[str, Any]:
    return {"fqn": fqn, "kind": "interface", "datatype": True, "properties": list(props)}


def tiny_assembly() -> dict[str, Any]:
    """A two-type jsii assembly shaped like cdktn-provider-aws: a resource, a data source, a recursive block."""
    ns = "@cdktn/provider-aws.glueJob"
    timeouts = {"fqn": f"{ns}.Timeouts"}
    statement_list = {
        "union": {
            "types": [
                {"fqn": "cdktn.IResolvable"},
                {"collection": {"kind": "array", "elementtype": {"fqn": f"{ns}.Statement"}}},
            ]
        }
    }
    types = {
        f"{ns}.GlueJob": {
            "kind": "class",
            "base": "cdktn.TerraformResource",
            "fqn": f"{ns}.GlueJob",
            "docs": {"summary": f"Represents a {{@link {REGISTRY}/resources/glue_job aws_glue_job}}."},
            "initializer": {"parameters": [{"name": "config", "type": {"fqn": f"{ns}.GlueJobConfig"}}]},
        },
        f"{ns}.GlueJobConfig": struct(
            f"{ns}.GlueJobConfig",
            prop("roleArn", "role_arn", {"primitive": "string"}, optional=False),
            prop("selfAttribute", "self", {"primitive": "string"}),  # jsii renames; the anchor has the real name
            prop("command", "command", {"fqn": f"{ns}.Command"}, optional=False, block=True),
            prop("statement", "statement", statement_list, block=True),
            prop("timeouts", "timeouts", timeouts, block=True),
        ),
        f"{ns}.Command": struct(
            f"{ns}.Command", prop("scriptLocation", "script_location", {"primitive": "string"}, optional=False)
        ),
        f"{ns}.Statement": struct(f"{ns}.Statement", prop("not", "not", statement_list, block=True)),
        f"{ns}.Timeouts": struct(f"{ns}.Timeouts", prop("create", "create", {"primitive": "string"})),
        "@cdktn/provider-aws.data.DataGlueJob": {
            "kind": "class",
            "base": "cdktn.TerraformDataSource",
            "fqn": "@cdktn/provider-aws.data.DataGlueJob",
            "docs": {"summary": f"Represents a {{@link {REGISTRY}/data-sources/glue_job aws_glue_job}}."},
            "initializer": {"parameters": [{"name": "config", "type": {"fqn": f"{ns}.DataGlueJobConfig"}}]},
        },
        # Same content as Timeouts under another name: stored once.
        f"{ns}.DataGlueJobConfig": struct(f"{ns}.DataGlueJobConfig", prop("create", "create", {"primitive": "string"})),
        "@cdktn/provider-aws.provider.AwsProvider": {
            "kind": "class",
            "base": "cdktn.TerraformProvider",
            "fqn": "@cdktn/provider-aws.provider.AwsProvider",
            "docs": {"summary": "The aws provider."},
            "initializer": {"parameters": [{"name": "config", "type": {"fqn": f"{ns}.Timeouts"}}]},
        },
    }
    return {"version": "0.0.1", "types": types}


def test_names_required_flags_blocks_and_recursion_come_from_the_assembly(tmp_path: Path) -> None:
    schema = compact_schema(tiny_assembly())
    assert schema["provider_version"] == "6.1.0"
    structs = schema["structs"]
    job = structs[schema["resource"]["aws_glue_job"]]
    assert job["a"] == {"role_arn": 1, "self": 0}
    assert set(job["b"]) == {"command", "statement", "timeouts"}
    required, repeatable, command_index = job["b"]["command"]
    assert (required, repeatable) == (1, 0)
    assert structs[command_index] == {"a": {"script_location": 1}, "b": {}}
    _, repeatable, statement_index = job["b"]["statement"]
    assert repeatable == 1
    assert structs[statement_index]["b"]["not"][2] == statement_index  # the recursive block points at itself
    # Identical structs are stored once: the data source's config and the timeouts block share one entry.
    assert schema["data"]["aws_glue_job"] == job["b"]["timeouts"][2] == schema["provider_config"]

    out = tmp_path / "schema.json.gz"
    write_schema(schema, out)
    assert json.loads(gzip.decompress(out.read_bytes())) == schema
    first = out.read_bytes()
    write_schema(schema, out)
    assert out.read_bytes() == first  # deterministic: regenerating does not churn the committed file


def test_the_committed_schema_is_hashicorp_aws_6_and_small() -> None:
    schema = load_schema()
    assert schema.version.startswith("6.")
    assert "cdktn-provider-aws==" in schema.source
    assert SCHEMA_PATH.stat().st_size < 2_000_000
    assert len(schema.types("resource")) > 1500
    assert len(schema.types("data")) > 500
    job = schema.block("resource", "aws_glue_job")
    assert job is not None
    assert {name for name, required in job.arguments.items() if required} == {"name", "role_arn"}
    assert job.blocks["command"].required and not job.blocks["command"].repeatable
    trigger = schema.block("resource", "aws_glue_trigger")
    assert trigger is not None
    predicate = trigger.blocks["predicate"].schema
    assert predicate is not None and "logical" in predicate.arguments
    assert predicate.blocks["conditions"].required and predicate.blocks["conditions"].repeatable
    assert "default_tags" in schema.provider_block().blocks
    # References may read read-only attributes too (arn), not only arguments.
    assert {"arn", "name", "command"} <= set(schema.readable_attributes("resource", "aws_glue_job"))
    assert {"account_id", "arn"} <= set(schema.readable_attributes("data", "aws_caller_identity"))
