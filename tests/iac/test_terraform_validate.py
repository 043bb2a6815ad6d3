"""The real aws provider is found where Terraform finds it offline (then the offline checks use it, not the stand-in)."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from glueflow.iac.terraform_validate import find_aws_provider


def _os_arch() -> str:
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    return f"{platform.system().lower()}_{machine}"


@pytest.fixture
def no_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME and XDG data dir with no Terraform plugins, and no plugin cache."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TF_PLUGIN_CACHE_DIR", raising=False)
    return tmp_path


def test_without_the_provider_none_is_found(no_plugins: Path) -> None:
    assert find_aws_provider([no_plugins / "terraform"]) is None


@pytest.mark.parametrize("where", ["plugin_cache", "home_plugins", "initialized_config"])
def test_the_provider_is_found_where_terraform_finds_it_offline(
    no_plugins: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    config = no_plugins / "terraform"
    bases = {
        "plugin_cache": no_plugins / "cache",
        "home_plugins": no_plugins / "home" / ".terraform.d" / "plugins",
        "initialized_config": config / ".terraform" / "providers",
    }
    monkeypatch.setenv("TF_PLUGIN_CACHE_DIR", str(bases["plugin_cache"]))
    binary = (
        bases[where] / "registry.terraform.io/hashicorp/aws/6.69.1" / _os_arch() / "terraform-provider-aws_v6.69.1_x5"
    )
    binary.parent.mkdir(parents=True)
    binary.write_bytes(b"")
    assert find_aws_provider([config]) == binary


def test_a_provider_for_another_platform_does_not_count(no_plugins: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TF_PLUGIN_CACHE_DIR", str(no_plugins / "cache"))
    other = no_plugins / "cache/registry.terraform.io/hashicorp/aws/6.69.1/windows_386/terraform-provider-aws.exe"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"")
    assert find_aws_provider([no_plugins / "terraform"]) is None
