"""Real `terraform validate`, only where the hashicorp/aws provider plugin is already on this machine.

The provider cannot be downloaded here, so we never run `init` against the registry: we look for the plugin in
the places Terraform itself would find it offline (an initialized .terraform/ dir, TF_PLUGIN_CACHE_DIR, the
implied local mirror directories) and otherwise say plainly that the step was skipped and why.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

from glueflow.iac.findings import Finding, display_path
from glueflow.iac.fmt import run_terraform

_AWS_PLUGIN = Path("registry.terraform.io") / "hashicorp" / "aws"


@dataclass
class ValidateResult:
    ran: bool = False
    skipped_reason: str = ""
    configs_validated: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


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


def find_aws_provider(config_dirs: list[Path], plugin_caches: list[Path] = ()) -> Path | None:  # type: ignore[assignment]
    """The first terraform-provider-aws binary for this OS/arch in an offline-reachable location, if any."""
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    os_arch = f"{platform.system().lower()}_{machine}"
    for base in [*_plugin_dirs(config_dirs), *plugin_caches]:
        for binary in sorted((base / _AWS_PLUGIN).glob(f"*/{os_arch}/terraform-provider-aws*")):
            if binary.is_file():
                return binary
    return None


def validate_configs(config_dirs: list[Path], root: Path) -> ValidateResult:
    """`terraform init -backend=false` + `terraform validate` in each config dir, when the provider is present."""
    plugin = find_aws_provider(config_dirs)
    if plugin is None:
        reason = "hashicorp/aws provider not installed (it cannot be downloaded here); schema check used instead"
        return ValidateResult(skipped_reason=reason)
    result = ValidateResult(ran=True)
    for config_dir in config_dirs:
        where = display_path(config_dir, root)
        code, _, stderr = run_terraform(["init", "-backend=false", "-input=false", "-no-color"], config_dir)
        if code == 0:
            code, _, stderr = run_terraform(["validate", "-no-color"], config_dir)
        if code != 0:
            message = (stderr or "terraform init/validate failed").strip()
            result.findings.append(Finding(where, 0, "terraform validate", message, "terraform"))
        result.configs_validated.append(where)
    return result
