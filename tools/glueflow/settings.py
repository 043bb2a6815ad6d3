"""glueflow's settings, resolved in one place: a command-line flag, else an environment variable, else the env file
(`envs/<env>.yaml`, its `local:` block), else the default.

`Settings.from_environ()` reads every variable once; a command loads them with its deployment
(`load_deployment`), which carries them to the runtime, the engine and Terraform. Nothing else in glueflow reads
these variables. (Variables glueflow *sets* for the processes it starts — a job's GLUEFLOW_BOOKMARK_IN, the
launcher's GLUEFLOW_SPARK_CDS archive path, Terraform's TF_DATA_DIR — are part of those protocols, not settings.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glueflow.errors import GlueflowError

if TYPE_CHECKING:
    from glueflow.spec.models import EnvSpec

_OFF = {"off", "0", "false", "no"}


@dataclass(frozen=True)
class Variable:
    name: str
    meaning: str


# Every environment variable glueflow reads, with what it does (docs/architecture.md lists the same table).
VARIABLES = {
    "root": Variable("GLUEFLOW_ROOT", "the project root; default: the nearest directory with pipelines/ and envs/"),
    "state_dir": Variable(
        "GLUEFLOW_STATE_DIR", "the local runtime's state dir; beats envs/<env>.yaml local.state_dir (.glueflow/<env>)"
    ),
    "background": Variable("GLUEFLOW_BACKGROUND", "off: each command runs its own local runtime (default on)"),
    "background_idle_seconds": Variable(
        "GLUEFLOW_BACKGROUND_IDLE", "seconds without calls or runs before the background runtime retires (900)"
    ),
    "jit": Variable("GLUEFLOW_JIT", "c1 | tiered | auto (default): the JIT of a Spark job's JVM"),
    "spark_cds": Variable("GLUEFLOW_SPARK_CDS", "off: no Spark class-data-sharing archive (default on)"),
    "spark_fast_fs": Variable(
        "GLUEFLOW_SPARK_FAST_FS", "off: Hadoop's own local FileSystem (a forked chmod per file written; default on)"
    ),
    "cache_dir": Variable(
        "GLUEFLOW_CACHE_DIR", "per-user cache (the CDS archive, the local FileSystem jar); default ~/.cache/glueflow"
    ),
    "terraform_bin": Variable("TERRAFORM_BIN", "the Terraform to run; default: the bundled one"),
    "tf_plugin_cache_dir": Variable("TF_PLUGIN_CACHE_DIR", "provider cache; default build/.terraform-plugin-cache"),
    "checkov": Variable("GLUEFLOW_CHECKOV", "the checkov executable; default .venv-checkov/bin/checkov"),
    "ci": Variable("CI", "set (not 0/false/no): never prompt; confirmations need --yes"),
}


def _user_cache() -> Path:
    """GLUEFLOW_CACHE_DIR's default (the home folder is looked up when settings are made, not at import)."""
    return Path.home() / ".cache" / "glueflow"


@dataclass(frozen=True)
class Settings:
    root: Path | None = None
    state_dir: Path | None = None
    background: bool = True
    background_idle_seconds: float = 900.0
    jit: str = "auto"
    spark_cds: bool = True
    spark_fast_fs: bool = True
    cache_dir: Path = field(default_factory=_user_cache)
    terraform_bin: str | None = None
    tf_plugin_cache_dir: Path | None = None
    checkov: Path | None = None
    ci: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        """The environment's settings, with `flags` (those not None) winning over it."""
        env = os.environ if environ is None else environ

        def get(key: str) -> str:
            return env.get(VARIABLES[key].name, "").strip()

        settings = cls(
            root=Path(get("root")).resolve() if get("root") else None,
            state_dir=Path(get("state_dir")) if get("state_dir") else None,
            background=get("background").lower() not in _OFF,
            background_idle_seconds=_seconds(get("background_idle_seconds"), VARIABLES["background_idle_seconds"]),
            jit=get("jit").lower() or "auto",
            spark_cds=get("spark_cds").lower() != "off",
            spark_fast_fs=get("spark_fast_fs").lower() != "off",
            cache_dir=Path(get("cache_dir")) if get("cache_dir") else _user_cache(),
            terraform_bin=get("terraform_bin") or None,
            tf_plugin_cache_dir=Path(get("tf_plugin_cache_dir")) if get("tf_plugin_cache_dir") else None,
            checkov=Path(get("checkov")) if get("checkov") else None,
            ci=get("ci").lower() not in {"", *_OFF},
        )
        return settings.with_flags(**flags)

    def with_flags(self, **flags: Any) -> Settings:
        known = {f.name for f in fields(self)}
        unknown = set(flags) - known
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        return replace(self, **{k: v for k, v in flags.items() if v is not None})

    def state_dir_of(self, env: EnvSpec, root: Path) -> Path:
        """Flag or GLUEFLOW_STATE_DIR, else the env file's `local.state_dir`, else `.glueflow/<env>`; relative
        paths are under the project root."""
        path = self.state_dir or Path(env.local.state_dir or f".glueflow/{env.name}")
        return path if path.is_absolute() else root / path


def _seconds(value: str, variable: Variable) -> float:
    if not value:
        return 900.0
    try:
        return float(value)
    except ValueError as exc:
        raise GlueflowError(
            f"{variable.name}={value!r} is not a number of seconds", hint=f"e.g. {variable.name}=600"
        ) from exc
