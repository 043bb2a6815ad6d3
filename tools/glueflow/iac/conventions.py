"""Module conventions (STYLE.md): the 5-file skeleton, typed and described variables, described outputs, no
`map(any)`, and version constraints for Terraform and every provider a configuration uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from glueflow.iac.findings import Finding, display_path
from glueflow.iac.hcl import Block, HclFile, expression_text

SKELETON = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
_MAP_ANY = re.compile(r"\bmap\(\s*any\s*\)")
# Resource types that belong to Terraform itself, not to a provider.
_BUILTIN_TYPES = {"terraform_data", "terraform_remote_state"}


@dataclass
class ConventionsResult:
    findings: list[Finding] = field(default_factory=list)
    modules_checked: int = 0
    variables_checked: int = 0
    outputs_checked: int = 0


def check_conventions(
    module_dirs: list[Path], root_dirs: list[Path], files: list[HclFile], root: Path | None = None
) -> ConventionsResult:
    """module_dirs get the skeleton check; module_dirs and root_dirs get version checks; every file gets the
    variable/output checks (examples included)."""
    result = ConventionsResult()
    by_dir: dict[Path, list[HclFile]] = {}
    for hcl in files:
        by_dir.setdefault(hcl.path.parent.resolve(), []).append(hcl)
        if hcl.syntax_error is None:
            _check_declarations(hcl, result, root)
    for module_dir in module_dirs:
        result.modules_checked += 1
        _check_skeleton(module_dir, result, root)
    for config_dir in [*module_dirs, *root_dirs]:
        _check_versions(config_dir, by_dir.get(config_dir.resolve(), []), result, root)
    result.findings.sort()
    return result


def _check_skeleton(module_dir: Path, result: ConventionsResult, root: Path | None) -> None:
    missing = [name for name in SKELETON if not (module_dir / name).is_file()]
    if missing:
        where = display_path(module_dir, root)
        message = f"missing {', '.join(missing)} (every module has {', '.join(SKELETON)})"
        result.findings.append(Finding(where, 0, f"module {module_dir.name}", message, "conventions"))


def _check_declarations(hcl: HclFile, result: ConventionsResult, root: Path | None) -> None:
    path = display_path(hcl.path, root)
    for block in hcl.blocks:
        if block.type == "variable" and block.labels:
            result.variables_checked += 1
            for message in _variable_problems(block):
                result.findings.append(
                    Finding(path, block.line, f'variable "{block.labels[0]}"', message, "conventions")
                )
        elif block.type == "output" and block.labels:
            result.outputs_checked += 1
            if not _has_text(block, "description"):
                message = "no description: say what callers get from it"
                result.findings.append(Finding(path, block.line, f'output "{block.labels[0]}"', message, "conventions"))


def _variable_problems(block: Block) -> list[str]:
    problems = []
    type_attr = block.attribute("type")
    if type_attr is None:
        problems.append("no type: declare one (object types with optional() attributes for structured input)")
    elif _MAP_ANY.search(expression_text(type_attr.value)):
        problems.append("type uses map(any): declare the value type, e.g. map(string) or map(object({...}))")
    if not _has_text(block, "description"):
        problems.append("no description: say what the input is for")
    return problems


def _has_text(block: Block, name: str) -> bool:
    attr = block.attribute(name)
    return attr is not None and expression_text(attr.value).strip('"').strip() != ""


def _check_versions(config_dir: Path, files: list[HclFile], result: ConventionsResult, root: Path | None) -> None:
    where = display_path(config_dir / "versions.tf", root)
    subject = f"configuration {display_path(config_dir, root)}"
    terraform_blocks = [(hcl, b) for hcl in files for b in hcl.blocks if b.type == "terraform"]
    if not any(b.attribute("required_version") for _, b in terraform_blocks):
        message = 'no required_version in a terraform {} block (e.g. required_version = ">= 1.10")'
        result.findings.append(Finding(where, 0, subject, message, "conventions"))
    declared = _required_providers(terraform_blocks, root, result)
    for provider, (file, line) in sorted(_providers_used(files).items()):
        if provider not in declared:
            message = f'provider "{provider}" is used but not in required_providers (with source and version)'
            result.findings.append(Finding(display_path(file, root), line, subject, message, "conventions"))


def _required_providers(
    terraform_blocks: list[tuple[HclFile, Block]], root: Path | None, result: ConventionsResult
) -> set[str]:
    declared: set[str] = set()
    for hcl, block in terraform_blocks:
        for providers in block.children("required_providers"):
            for attr in providers.attributes:
                declared.add(attr.name)
                version = attr.value.get("version") if isinstance(attr.value, dict) else attr.value
                if not version or not expression_text(version).strip('"').strip():
                    message = f'required_providers.{attr.name} has no version constraint (e.g. version = "~> 6.0")'
                    path = display_path(hcl.path, root)
                    result.findings.append(Finding(path, attr.line, "terraform", message, "conventions"))
    return declared


def _providers_used(files: list[HclFile]) -> dict[str, tuple[Path, int]]:
    """Provider local name implied by each resource/data type (aws_s3_bucket -> aws), first use wins."""
    used: dict[str, tuple[Path, int]] = {}
    for hcl in files:
        for block in hcl.blocks:
            if block.type in ("resource", "data", "ephemeral") and block.labels:
                type_name = block.labels[0]
                if type_name not in _BUILTIN_TYPES:
                    used.setdefault(type_name.split("_", 1)[0], (hcl.path, block.line))
    return used
