"""Values for the data sources our HCL reads, derived from the env the way the real providers derive them.

The kms module validates `data.aws_partition.current.partition` and policies are compared as JSON, so these are
not placeholders: aws_iam_policy_document renders exactly as the provider's policy_model.go marshals it (single
values as strings, lists reverse-sorted, Go's HTML-safe escaping, 2-space indent), archive_file writes the zip.
Any other data source reads as its configured values with computed attributes null.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_ACCOUNT_ID = "123456789012"  # AWS's documentation account id, used when the config names none


@dataclass
class ProviderConfig:
    """What the aws provider block configures, as far as data sources and planned tags depend on it."""

    region: str = "us-east-1"
    account_id: str = DEFAULT_ACCOUNT_ID
    default_tags: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: dict[str, Any] | None) -> ProviderConfig:
        config = config or {}
        region = config.get("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        accounts = config.get("allowed_account_ids") or []
        tags_blocks = config.get("default_tags") or []
        tags = (tags_blocks[0] or {}).get("tags") if tags_blocks else None
        return cls(
            region=region if isinstance(region, str) else "us-east-1",
            account_id=next((a for a in accounts if isinstance(a, str)), DEFAULT_ACCOUNT_ID),
            default_tags=tags if isinstance(tags, dict) else {},
        )

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        return "aws-us-gov" if self.region.startswith("us-gov-") else "aws"


def _dns_suffix(partition: str) -> str:
    return "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"


def read_partition(config: dict[str, Any], provider: ProviderConfig) -> dict[str, Any]:
    suffix = _dns_suffix(provider.partition)
    reverse = ".".join(reversed(suffix.split(".")))
    return {**config, "id": provider.partition, "partition": provider.partition, "dns_suffix": suffix,
            "reverse_dns_prefix": reverse}  # fmt: skip


def read_caller_identity(config: dict[str, Any], provider: ProviderConfig) -> dict[str, Any]:
    account = provider.account_id
    return {
        **config,
        "id": account,
        "account_id": account,
        "arn": f"arn:{provider.partition}:iam::{account}:user/glueflow-offline-check",
        "user_id": "AIDAGLUEFLOWOFFLINE00",
    }


def read_region(config: dict[str, Any], provider: ProviderConfig) -> dict[str, Any]:
    region = config.get("region") or config.get("name") or provider.region
    return {
        **config,
        "id": region,
        "name": region,
        "region": region,
        "endpoint": f"ec2.{region}.{_dns_suffix(provider.partition)}",
        "description": _region_description(region),
    }


def _region_description(region: str) -> str:
    """The region's display name from botocore's endpoint data (installed with boto3), as the provider reports it."""
    import botocore

    endpoints = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    for partition in endpoints["partitions"]:
        if region in partition["regions"]:
            return partition["regions"][region]["description"]
    return region


# --- aws_iam_policy_document ---------------------------------------------------------------------------------------


def _strings(values: list[str] | None) -> Any:
    """policyDecodeConfigStrings: one value stays a string, several are sorted in reverse order."""
    values = [v.replace("&{", "${") for v in values or []]
    return values[0] if len(values) == 1 else sorted(values, reverse=True)


def _principals(blocks: list[dict[str, Any]] | None) -> Any:
    if not blocks:
        return None
    if len(blocks) == 1 and blocks[0]["type"] == "*" and blocks[0]["identifiers"] == ["*"]:
        return "*"
    raw: dict[str, Any] = {}
    for block in blocks:
        identifiers = _strings(block["identifiers"])
        existing = raw.get(block["type"])
        if existing is None:
            raw[block["type"]] = identifiers
        else:
            raw[block["type"]] = [*([existing] if isinstance(existing, str) else existing),
                                  *([identifiers] if isinstance(identifiers, str) else identifiers)]  # fmt: skip
    return dict(sorted(raw.items()))


def _conditions(blocks: list[dict[str, Any]] | None) -> Any:
    if not blocks:
        return None
    raw: dict[str, dict[str, list[str]]] = {}
    for block in blocks:
        values = _strings(block["values"])
        raw.setdefault(block["test"], {}).setdefault(block["variable"], []).extend(
            [values] if isinstance(values, str) else values
        )
    return {
        test: {var: vals[0] if len(vals) == 1 else vals for var, vals in sorted(by_var.items())}
        for test, by_var in sorted(raw.items())
    }


def _statement(block: dict[str, Any]) -> dict[str, Any]:
    rendered = {
        "Sid": block.get("sid") or None,
        "Effect": block.get("effect") or "Allow",
        "Action": _strings(block.get("actions")) if block.get("actions") else None,
        "NotAction": _strings(block.get("not_actions")) if block.get("not_actions") else None,
        "Resource": _strings(block.get("resources")) if block.get("resources") else None,
        "NotResource": _strings(block.get("not_resources")) if block.get("not_resources") else None,
        "Principal": _principals(block.get("principals")),
        "NotPrincipal": _principals(block.get("not_principals")),
        "Condition": _conditions(block.get("condition")),
    }
    return {key: value for key, value in rendered.items() if value not in (None, "", [], {})}


def _merge(statements: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """iamPolicyDoc.Merge: statements with a Sid already present replace it; others are appended."""
    merged = list(statements)
    for statement in new:
        sid = statement.get("Sid")
        index = next((i for i, s in enumerate(merged) if sid and s.get("Sid") == sid), None)
        if index is None:
            merged.append(statement)
        else:
            merged[index] = statement
    return merged


def go_json(value: Any, indent: int | None = None) -> str:
    """encoding/json's output: HTML-safe escapes of <, > and &, and no spaces when not indented."""
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")):
        text = text.replace(char, escape)
    return text


def read_policy_document(config: dict[str, Any], provider: ProviderConfig) -> dict[str, Any]:
    statements: list[dict[str, Any]] = []
    for source in config.get("source_policy_documents") or []:
        statements = _merge(statements, json.loads(source).get("Statement", []))
    statements = _merge(statements, [_statement(block) for block in config.get("statement") or []])
    for override in config.get("override_policy_documents") or []:
        statements = _merge(statements, json.loads(override).get("Statement", []))
    document: dict[str, Any] = {"Version": config.get("version") or "2012-10-17"}
    if config.get("policy_id"):
        document["Id"] = config["policy_id"]
    if statements:
        document["Statement"] = statements
    pretty = go_json(document, indent=2)
    return {**config, "id": str(zlib.crc32(pretty.encode())), "json": pretty, "minified_json": go_json(document)}


# --- archive_file --------------------------------------------------------------------------------------------------


def read_archive_file(config: dict[str, Any], provider: ProviderConfig) -> dict[str, Any]:
    """Zip the sources to output_path, as hashicorp/archive does when the data source is read (at plan time)."""
    output = Path(config["output_path"])
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        if config.get("source_file"):
            archive.write(config["source_file"], Path(config["source_file"]).name)
        if config.get("source_content") is not None:
            archive.writestr(config.get("source_content_filename") or "content", config["source_content"])
        if config.get("source_dir"):
            excludes = set(config.get("excludes") or [])
            for path in sorted(Path(config["source_dir"]).rglob("*")):
                relative = path.relative_to(config["source_dir"]).as_posix()
                if path.is_file() and relative not in excludes:
                    archive.write(path, relative)
        for source in config.get("source") or []:
            archive.writestr(source["filename"], source["content"])
    data = output.read_bytes()
    sha1 = hashlib.sha1(data).hexdigest()
    return {
        **config,
        "id": sha1,
        "output_sha": sha1,
        "output_sha256": hashlib.sha256(data).hexdigest(),
        "output_base64sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
        "output_base64sha512": base64.b64encode(hashlib.sha512(data).digest()).decode(),
        "output_sha512": hashlib.sha512(data).hexdigest(),
        "output_md5": hashlib.md5(data).hexdigest(),
        "output_size": len(data),
    }


Reader = Callable[[dict[str, Any], ProviderConfig], dict[str, Any]]
READERS: dict[str, Reader] = {
    "aws_partition": read_partition,
    "aws_caller_identity": read_caller_identity,
    "aws_region": read_region,
    "aws_iam_policy_document": read_policy_document,
    "archive_file": read_archive_file,
}
