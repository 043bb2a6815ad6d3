"""Module conventions: skeleton, typed and described variables, described outputs, version constraints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from glueflow.iac.conventions import check_conventions
from glueflow.iac.hcl import parse_file, tf_files
from glueflow.iac.verify import IacLayout


def conventions(root: Path) -> list[str]:
    layout = IacLayout(root)
    files = [parse_file(p) for p in tf_files(layout.scan_dirs())]
    result = check_conventions(layout.module_dirs(), layout.root_dirs(), files, root)
    return [f.render() for f in result.findings]


def test_the_clean_fixture_follows_every_convention(hcl_tree: Callable[..., Path]) -> None:
    assert conventions(hcl_tree()) == []


def test_untyped_undescribed_and_map_any_variables_and_undescribed_outputs_are_reported(
    hcl_tree: Callable[..., Path],
) -> None:
    assert conventions(hcl_tree("conventions")) == [
        'modules/glue_job/outputs.tf:1: output "job_names": no description: say what callers get from it',
        'modules/glue_job/variables.tf:11: variable "role_arn": no type: declare one (object types with optional() '
        "attributes for structured input)",
        'modules/glue_job/variables.tf:30: variable "crawler_name": no description: say what the input is for',
        'modules/glue_job/variables.tf:40: variable "tags": type uses map(any): declare the value type, '
        "e.g. map(string) or map(object({...}))",
        "modules/glue_job/versions.tf: configuration modules/glue_job: no required_version in a terraform {} block "
        '(e.g. required_version = ">= 1.10")',
        "modules/glue_job/versions.tf:3: terraform: required_providers.aws has no version constraint "
        '(e.g. version = "~> 6.0")',
    ]


def test_a_module_without_the_five_file_skeleton_is_reported(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree()
    (root / "modules/glue_job/README.md").unlink()
    (root / "modules/glue_job/outputs.tf").unlink()
    assert conventions(root) == [
        "modules/glue_job: module glue_job: missing outputs.tf, README.md "
        "(every module has main.tf, variables.tf, outputs.tf, versions.tf, README.md)"
    ]


def test_a_provider_used_but_not_required_is_reported(hcl_tree: Callable[..., Path]) -> None:
    root = hcl_tree()
    (root / "modules/glue_job/random.tf").write_text('resource "random_id" "suffix" {\n  byte_length = 4\n}\n')
    assert conventions(root) == [
        'modules/glue_job/random.tf:1: configuration modules/glue_job: provider "random" is used but not in '
        "required_providers (with source and version)"
    ]
