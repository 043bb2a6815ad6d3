"""build/iac/: the generated CLI config, the provider mirror and the shadow tree Terraform runs in."""

from __future__ import annotations

import os
from pathlib import Path

from glueflow.iac.offline import OfflineWorkspace, os_arch, stand_in_sources, used_types


def _tree(root: Path) -> Path:
    (root / "terraform").mkdir(parents=True)
    (root / "terraform" / "main.tf").write_text('resource "aws_glue_job" "x" {}\ndata "aws_partition" "p" {}\n')
    (root / "terraform" / ".terraform.lock.hcl").write_text("# the user's own lock file\n")
    (root / "modules" / "m").mkdir(parents=True)
    (root / "modules" / "m" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (root / "pipelines").mkdir()
    return root


def test_the_workspace_mirrors_the_tree_and_never_the_users_lock_file(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    workspace = OfflineWorkspace(root, stand_in_sources(None))
    workspace.prepare()
    shadow = workspace.shadow(root / "terraform")
    assert shadow.is_relative_to(root / "build" / "iac")
    assert (shadow / "main.tf").is_symlink() and os.readlink(shadow / "main.tf") == str(root / "terraform" / "main.tf")
    assert not (shadow / ".terraform.lock.hcl").exists()  # Terraform writes its own here, under build/
    assert (workspace.tree / "pipelines").is_symlink()
    config = workspace.cli_config.read_text()
    assert f'path    = "{workspace.mirror}"' in config and '"registry.terraform.io/hashicorp/aws"' in config
    launcher = (
        workspace.mirror / "registry.terraform.io/hashicorp/aws/6.69.1" / os_arch() / "terraform-provider-aws_v6.69.1"
    )
    assert os.access(launcher, os.X_OK) and "glueflow.iac.provider aws" in launcher.read_text()
    assert workspace.environment()["TF_CLI_CONFIG_FILE"] == str(workspace.cli_config)


def test_a_removed_file_leaves_the_shadow_tree_on_the_next_sync(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    workspace = OfflineWorkspace(root, stand_in_sources(None))
    workspace.prepare()
    (root / "modules" / "m" / "main.tf").unlink()
    workspace.sync_tree()
    assert not (workspace.shadow(root / "modules" / "m") / "main.tf").exists()


def test_an_installed_real_provider_replaces_the_stand_in_in_its_own_mirror(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    real = tmp_path / "cache" / "terraform-provider-aws_v6.69.1_x5"
    real.parent.mkdir()
    real.write_bytes(b"\x7fELF")
    workspace = OfflineWorkspace(root, stand_in_sources(real))
    workspace.prepare()
    installed = (
        workspace.mirror / "registry.terraform.io/hashicorp/aws/6.69.1" / os_arch() / "terraform-provider-aws_v6.69.1"
    )
    assert installed.resolve() == real.resolve()
    assert "aws-real" in workspace.tree.name  # its lock file never mixes with the stand-in's
    assert workspace.sources[0].label == "hashicorp/aws 6.69.1 (real provider)"


def test_the_stand_in_is_told_the_types_the_hcl_names(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    assert used_types([root / "terraform", root / "modules"]) == {"aws_glue_job", "aws_partition", "aws_s3_bucket"}
