"""Where an installed real hashicorp/aws provider is, if any: the offline checks use it instead of the stand-in.

The provider cannot be downloaded here, so we never run `init` against the registry: we look for the plugin in
the places Terraform itself would find it offline (an initialized .terraform/ dir, TF_PLUGIN_CACHE_DIR, the
implied local mirror directories, glueflow's own plugin cache).
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

_AWS_PLUGIN = Path("registry.terraform.io") / "hashicorp" / "aws"


def _plugin_dirs(config_dirs: list[Path]) -> list[Path]:
    """Where Terraform looks for providers without network access (docs: 'Provider Installation')."""
    home = Path.home()
    candidates = [d / ".terraform" / "providers" for d in config_dirs]
    if os.environ.get("TF_PLUGIN_CACHE_DIR"):
        candidates.append(Path(os.environ["TF_PLUGIN_CACHE_DIR"]))
    xdg = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    candidates += [
        home / ".terraform.d" / "plugins",
        xdg / "terraform" / "plugins",
        Path("/usr/share/terraform/plugins"),
    ]
    return candidates


def find_aws_provider(config_dirs: list[Path], plugin_caches: tuple[Path, ...] | list[Path] = ()) -> Path | None:
    """The first terraform-provider-aws binary for this OS/arch in an offline-reachable location, if any."""
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    os_arch = f"{platform.system().lower()}_{machine}"
    for base in [*_plugin_dirs(config_dirs), *plugin_caches]:
        for binary in sorted((base / _AWS_PLUGIN).glob(f"*/{os_arch}/terraform-provider-aws*")):
            if binary.is_file():
                return binary
    return None
