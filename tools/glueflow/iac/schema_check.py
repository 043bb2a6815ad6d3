"""Check resource, data and provider blocks against the hashicorp/aws schema, offline.

What `terraform validate` would say about names and structure, without the provider binary: unknown resource
types, unknown arguments and blocks (with a "did you mean"), blocks written at the wrong depth, arguments written as
blocks and the reverse, single blocks repeated, and missing required arguments and blocks. Value types and
expressions are not evaluated.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from glueflow.iac.findings import Finding, display_path
from glueflow.iac.hcl import Attribute, Block, HclFile
from glueflow.iac.references import check_references
from glueflow.iac.schema import BlockSchema, ProviderSchema

# Terraform's meta-arguments, valid in any resource/data body whatever the provider says.
_META_ARGUMENTS = {
    "resource": {"count", "for_each", "depends_on", "provider"},
    "data": {"count", "for_each", "depends_on", "provider"},
    "ephemeral": {"count", "for_each", "depends_on", "provider"},
}
_META_BLOCKS = {
    "resource": {"lifecycle", "provisioner", "connection"},
    "data": {"lifecycle"},
    "ephemeral": {"lifecycle"},
}
_PROVIDER_META_ARGUMENTS = {"alias", "version"}
_DYNAMIC_ARGUMENTS = {"for_each", "iterator", "labels"}
# Legacy SDK blocks in "attributes as blocks" mode also accept `name = [ {...} ]` (Terraform docs: "Attributes as
# Blocks"); the jsii assembly cannot tell them apart, so the few the AWS provider has are listed here.
_ATTRIBUTES_AS_BLOCKS = {
    ("aws_security_group", "ingress"),
    ("aws_security_group", "egress"),
    ("aws_default_security_group", "ingress"),
    ("aws_default_security_group", "egress"),
    ("aws_network_acl", "ingress"),
    ("aws_network_acl", "egress"),
    ("aws_default_network_acl", "ingress"),
    ("aws_default_network_acl", "egress"),
    ("aws_route_table", "route"),
    ("aws_default_route_table", "route"),
}
_KIND_WORD = {"resource": "resource type", "data": "data source", "ephemeral": "ephemeral resource type"}


@dataclass
class SchemaCheckResult:
    findings: list[Finding] = field(default_factory=list)
    resources_checked: int = 0  # resource + data + ephemeral blocks of aws_* types
    arguments_checked: int = 0  # arguments checked by name at any depth
    blocks_checked: int = 0  # nested blocks checked by name at any depth
    references_checked: int = 0  # `aws_x.name.attr` references checked against the attributes aws_x exports
    unchecked_types: set[str] = field(default_factory=set)  # types of other providers (archive, random, ...)
    files_checked: int = 0


@dataclass(frozen=True)
class _Context:
    file: str
    subject: str
    type_name: str
    root: BlockSchema


def check_files(files: Iterable[HclFile], schema: ProviderSchema, root: Path | None = None) -> SchemaCheckResult:
    result = SchemaCheckResult()
    for hcl in files:
        result.files_checked += 1
        path = display_path(hcl.path, root)
        if hcl.syntax_error is not None:
            result.findings.append(
                Finding(path, hcl.syntax_error_line, "", f"syntax error: {hcl.syntax_error}", "syntax")
            )
            continue
        for block in hcl.blocks:
            _check_top_level(block, path, schema, result)
            _check_block_references(block, path, schema, result)
    result.findings.sort()
    return result


def _check_top_level(block: Block, path: str, schema: ProviderSchema, result: SchemaCheckResult) -> None:
    if block.type in _META_ARGUMENTS and len(block.labels) == 2:
        _check_typed_block(block, path, schema, result)
    elif block.type == "provider" and block.labels == ("aws",):
        ctx = _Context(path, 'provider "aws"', "provider", schema.provider_block())
        _check_body(block, ctx.root, ctx, result, (), _PROVIDER_META_ARGUMENTS, set())


def _check_block_references(block: Block, path: str, schema: ProviderSchema, result: SchemaCheckResult) -> None:
    checked, problems = check_references(block, schema)
    result.references_checked += checked
    subject = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
    result.findings += [Finding(path, problem.line, subject, problem.message) for problem in problems]


def _check_typed_block(block: Block, path: str, schema: ProviderSchema, result: SchemaCheckResult) -> None:
    kind = block.type
    type_name, name = block.labels
    subject = f'{kind} "{type_name}" "{name}"'
    if not type_name.startswith("aws_"):
        result.unchecked_types.add(type_name)
        return
    body_schema = schema.block(kind, type_name)
    if body_schema is None:
        message = f'unknown {_KIND_WORD[kind]} "{type_name}" in hashicorp/aws {schema.version}'
        result.findings.append(
            Finding(path, block.line, subject, message + _did_you_mean(type_name, schema.types(kind)))
        )
        return
    result.resources_checked += 1
    ctx = _Context(path, subject, type_name, body_schema)
    _check_body(block, body_schema, ctx, result, (), _META_ARGUMENTS[kind], _META_BLOCKS[kind])


def _check_body(
    block: Block,
    schema: BlockSchema,
    ctx: _Context,
    result: SchemaCheckResult,
    path: tuple[str, ...],
    meta_arguments: set[str],
    meta_blocks: set[str],
) -> None:
    """Check one body (resource or nested block) whose schema is `schema`, at block path `path`."""
    for attribute in block.attributes:
        if attribute.name not in meta_arguments:
            _check_attribute(attribute, schema, ctx, result, path)
    for child in block.blocks:
        if child.type == "dynamic":
            _check_dynamic(child, schema, ctx, result, path)
        elif child.type not in meta_blocks:
            _check_nested_block(child, schema, ctx, result, path)
    _check_required(block, schema, ctx, result, path)
    _check_single_blocks(block, schema, ctx, result, path)


def _check_attribute(
    attribute: Attribute, schema: BlockSchema, ctx: _Context, result: SchemaCheckResult, path: tuple[str, ...]
) -> None:
    result.arguments_checked += 1
    name = attribute.name
    if name in schema.arguments:
        return
    if name in schema.blocks:
        if (ctx.type_name, name) not in _ATTRIBUTES_AS_BLOCKS:
            message = f'"{name}" is a block, not an argument: write `{name} {{ ... }}` without "="'
            _report(ctx, result, attribute.line, path, message)
        return
    _report(ctx, result, attribute.line, path, f'unsupported argument "{name}"' + _hint(name, schema, ctx, path))


def _check_nested_block(
    child: Block, schema: BlockSchema, ctx: _Context, result: SchemaCheckResult, path: tuple[str, ...]
) -> None:
    result.blocks_checked += 1
    nested = schema.blocks.get(child.type)
    if nested is None:
        if child.type in schema.arguments:
            message = f'"{child.type}" is an argument, not a block: write `{child.type} = ...`'
        else:
            message = f'unsupported block type "{child.type}"' + _hint(child.type, schema, ctx, path)
        _report(ctx, result, child.line, path, message)
        return
    if nested.schema is not None:
        _check_body(child, nested.schema, ctx, result, (*path, child.type), set(), set())


def _check_dynamic(
    dynamic: Block, schema: BlockSchema, ctx: _Context, result: SchemaCheckResult, path: tuple[str, ...]
) -> None:
    """`dynamic "x" { for_each = ..., content { ... } }` generates `x` blocks: check x and its content."""
    result.blocks_checked += 1
    target = dynamic.labels[0] if dynamic.labels else ""
    nested = schema.blocks.get(target)
    if nested is None:
        message = f'dynamic block of unsupported block type "{target}"' + _hint(target, schema, ctx, path)
        _report(ctx, result, dynamic.line, path, message)
        return
    for attribute in dynamic.attributes:
        if attribute.name not in _DYNAMIC_ARGUMENTS:
            message = f'unsupported argument "{attribute.name}" in dynamic "{target}": put it inside `content {{ }}`'
            _report(ctx, result, attribute.line, path, message)
    contents = dynamic.children("content")
    if len(contents) != 1:
        _report(ctx, result, dynamic.line, path, f'dynamic "{target}" needs exactly one `content {{ }}` block')
    if nested.schema is not None:
        for content in contents:
            _check_body(content, nested.schema, ctx, result, (*path, target), set(), set())


def _check_required(
    block: Block, schema: BlockSchema, ctx: _Context, result: SchemaCheckResult, path: tuple[str, ...]
) -> None:
    present = {a.name for a in block.attributes}
    for name, required in schema.arguments.items():
        if required and name not in present:
            _report(ctx, result, block.line, path, f'missing required argument "{name}"')
    present_blocks = {b.type for b in block.blocks} | {b.labels[0] for b in block.children("dynamic") if b.labels}
    for name, nested in schema.blocks.items():
        if nested.required and name not in present_blocks and name not in present:
            _report(ctx, result, block.line, path, f'missing required block "{name}" (write `{name} {{ ... }}`)')


def _check_single_blocks(
    block: Block, schema: BlockSchema, ctx: _Context, result: SchemaCheckResult, path: tuple[str, ...]
) -> None:
    if ctx.type_name == "provider":
        return  # the jsii provider config lists every provider block as a list
    seen: set[str] = set()
    for child in block.blocks:
        nested = schema.blocks.get(child.type)
        if nested is not None and not nested.repeatable:
            if child.type in seen:
                _report(ctx, result, child.line, path, f'too many "{child.type}" blocks: at most one is allowed')
            seen.add(child.type)


def _hint(name: str, schema: BlockSchema, ctx: _Context, path: tuple[str, ...]) -> str:
    """'Did you mean' at this level, else where the name is valid elsewhere in the resource (a wrong-depth mistake)."""
    suggestion = _did_you_mean(name, schema.names())
    if suggestion:
        return suggestion
    here = ".".join(path)
    if path and (name in ctx.root.arguments or name in ctx.root.blocks):
        return f'; it belongs at the top level of the {ctx.subject.split()[0]}, not inside "{here}"'
    elsewhere = [p for p in ctx.root.locate(name) if p != here]
    if elsewhere:
        return "; it belongs inside " + " or ".join(f'"{p}"' for p in elsewhere[:3])
    return ""


def _did_you_mean(name: str, candidates: list[str]) -> str:
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return f'; did you mean "{matches[0]}"?' if matches else ""


def _report(ctx: _Context, result: SchemaCheckResult, line: int, path: tuple[str, ...], message: str) -> None:
    where = f"{'.'.join(path)}: " if path else ""
    result.findings.append(Finding(ctx.file, line, ctx.subject, where + message))
