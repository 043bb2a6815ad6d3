"""Real `terraform init`, `validate`, `plan` and `show -json`, offline, on every root configuration of the repo.

terraform/, terraform/bootstrap/ and every modules/*/examples/* are initialised in the build/iac/ workspace
(offline.py), validated, and planned: the root and bootstrap once per AWS env with that env's rendered tfvars,
the examples once. Diagnostics come from Terraform's `-json` output, so each finding carries Terraform's own
message and the file:line in the user's tree. Configurations run in parallel, each worker with its own
reattached stand-in providers (one process per provider per worker instead of two per Terraform command).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glueflow.iac.findings import Finding, display_path
from glueflow.iac.offline import BACKEND_OVERRIDE, OfflineWorkspace, ProviderSource, stand_in_sources
from glueflow.iac.tf_worker import Completed, TerraformWorker
from glueflow.terraform import PlanSummary, summarize_plan

_BACKEND_BLOCK = re.compile(r'^\s*backend\s+"\w+"', re.MULTILINE)
INIT_STAMP = "glueflow-init.sha256"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class PlanTarget:
    """One `terraform plan`: a configuration and the var file of one env (None: the configuration's defaults)."""

    env: str | None
    var_file: Path | None
    show: bool = False  # also `show -json` the plan (the root's, for the plan-vs-runtime comparison)


@dataclass(frozen=True)
class ConfigTarget:
    config_dir: Path
    plans: tuple[PlanTarget, ...]


@dataclass
class PlanOutcome:
    config: str
    env: str | None
    summary: PlanSummary | None = None
    plan_json: dict[str, Any] | None = None


@dataclass
class OfflineResult:
    ran: bool = False
    skipped_reason: str = ""
    providers: list[str] = field(default_factory=list)
    configs_validated: list[str] = field(default_factory=list)
    plans: list[PlanOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0


class _Runner:
    """Runs Terraform commands in shadow configuration dirs and turns their diagnostics into findings."""

    def __init__(self, workspace: OfflineWorkspace, root: Path) -> None:
        self.ws = workspace
        self.root = root
        self.plans_dir = workspace.base / "plans"
        self.plans_dir.mkdir(parents=True, exist_ok=True)

    def validate(self, target: ConfigTarget, worker: TerraformWorker) -> list[Finding]:
        shadow = self.ws.shadow(target.config_dir)
        where = display_path(target.config_dir, self.root)
        done = worker.run(["validate", "-json", "-no-color"], shadow)
        return self.diagnostics(shadow, where, "validate", _validate_diagnostics(done))

    def plan_target(self, target: ConfigTarget, plan: PlanTarget, worker: TerraformWorker) -> tuple[list[Finding], Any]:
        shadow = self.ws.shadow(target.config_dir)
        return self.plan(shadow, display_path(target.config_dir, self.root), plan, worker)

    def forget_state(self, target: ConfigTarget) -> None:
        """Every offline plan is a first plan: drop state a manual run in the shadow tree may have left."""
        shadow = self.ws.shadow(target.config_dir)
        state = self.ws.base / "state" / f"{_slug(display_path(target.config_dir, self.root))}.tfstate"
        for path in (shadow / "terraform.tfstate", shadow / "terraform.tfstate.backup", state):
            path.unlink(missing_ok=True)

    def needs_init(self, target: ConfigTarget, fingerprint: str) -> bool:
        stamp = self.ws.shadow(target.config_dir) / ".terraform" / INIT_STAMP
        return not stamp.is_file() or stamp.read_text() != fingerprint

    def init(self, target: ConfigTarget, worker: TerraformWorker, fingerprint: str) -> list[Finding]:
        """`init` from the mirror, once per change of the HCL (the stamp holds the fingerprint of the tree)."""
        shadow = self.ws.shadow(target.config_dir)
        where = display_path(target.config_dir, self.root)
        stamp = shadow / ".terraform" / INIT_STAMP
        if _BACKEND_BLOCK.search("".join(p.read_text(encoding="utf-8") for p in shadow.glob("*.tf"))):
            state = self.ws.base / "state" / f"{_slug(where)}.tfstate"
            override = f'terraform {{\n  backend "local" {{\n    path = "{state}"\n  }}\n}}\n'
            (shadow / BACKEND_OVERRIDE).write_text(override)
        (shadow / ".terraform.lock.hcl").unlink(missing_ok=True)  # ours (build/): re-made from the mirror each init
        done = worker.run(["init", "-input=false", "-no-color", "-reconfigure"], shadow)
        if done.returncode != 0:
            return self.diagnostics(shadow, where, "init", _text_diagnostics(done.stderr or done.stdout))
        stamp.write_text(fingerprint)
        return []

    def plan(self, shadow: Path, where: str, plan: PlanTarget, worker: TerraformWorker) -> tuple[list[Finding], Any]:
        label = plan.env or "defaults"
        plan_file = self.plans_dir / f"{_slug(where)}-{label}.tfplan"
        plan_file.unlink(missing_ok=True)
        args = ["plan", "-json", "-input=false", "-lock=false", "-refresh=false", f"-out={plan_file}"]
        if plan.var_file is not None:
            args.append(f"-var-file={plan.var_file}")
        done = worker.run(args, shadow)
        messages = _json_lines(done.stdout)
        diagnostics = [m["diagnostic"] for m in messages if m.get("type") == "diagnostic"]
        findings = self.diagnostics(shadow, where, f"plan ({label})", diagnostics)
        outcome = PlanOutcome(where, plan.env)
        if done.returncode != 0 or not plan_file.is_file():
            if not findings:
                findings = [Finding(where, 0, f"terraform plan ({label})", _clean(done.stderr), "terraform")]
            return findings, outcome
        outcome.summary = summarize_plan(_streamed_changes(messages), plan_file)
        if plan.show:
            shown = worker.run(["show", "-json", "-no-color", str(plan_file)], shadow)
            if shown.returncode == 0:
                outcome.plan_json = json.loads(shown.stdout)
                outcome.summary = summarize_plan(outcome.plan_json, plan_file)
        return findings, outcome

    def diagnostics(self, shadow: Path, where: str, command: str, items: list[dict[str, Any]]) -> list[Finding]:
        findings = []
        for item in items:
            if item.get("severity") != "error":
                continue
            place = item.get("range") or {}
            file = where
            if place.get("filename"):
                file = display_path(self.ws.original(shadow / place["filename"]), self.root)
            line = int((place.get("start") or {}).get("line") or 0)
            detail = " ".join(str(item.get("detail") or "").split())
            message = f"{item['summary']}: {detail}" if detail else item["summary"]
            subject = f"terraform {command} of {where}"
            findings.append(Finding(file, line, subject, message, "terraform"))
        return findings


_STREAM_ACTIONS = {"create": ["create"], "update": ["update"], "delete": ["delete"], "replace": ["delete", "create"]}


def _streamed_changes(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """`plan -json`'s planned_change messages in the shape summarize_plan reads from `show -json`."""
    changes = []
    for message in messages:
        if message.get("type") != "planned_change":
            continue
        change, resource = message["change"], message["change"]["resource"]
        actions = _STREAM_ACTIONS.get(change.get("action"), [change.get("action")])
        changes.append(
            {
                "mode": "managed",
                "type": resource["resource_type"],
                "address": resource["addr"],
                "change": {"actions": actions},
            }
        )
    return {"resource_changes": changes}


def _unique(findings: list[Finding]) -> list[Finding]:
    """One finding per file:line and message: validate and each env's plan report a config error alike."""
    seen: set[tuple[str, int, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.file, finding.line, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _validate_diagnostics(done: Completed) -> list[dict[str, Any]]:
    try:
        return json.loads(done.stdout).get("diagnostics", [])
    except json.JSONDecodeError:
        return [{"severity": "error", "summary": "terraform validate failed", "detail": _clean(done.stderr)}]


_TEXT_DIAGNOSTIC = re.compile(r"Error: (?P<summary>[^\n]+)\n\n(?:\s*on (?P<file>\S+) line (?P<line>\d+)[^\n]*\n)?")


def _text_diagnostics(text: str) -> list[dict[str, Any]]:
    """`init` has no -json: its human diagnostics ("Error: X / on main.tf line 14, in ...:") as JSON-shaped ones."""
    text = "\n".join(line.strip(" │╷╵") for line in text.splitlines())
    found = []
    blocks = re.split(r"\n(?=Error: )", "\n" + text)
    for block in blocks:
        match = _TEXT_DIAGNOSTIC.match(block.strip("\n") + "\n")
        if not match:
            continue
        body = block[match.end() :] if match.end() < len(block) else ""
        detail = " ".join(line.strip() for line in body.splitlines() if line.strip() and not line.strip()[0].isdigit())
        item: dict[str, Any] = {"severity": "error", "summary": match["summary"], "detail": detail[:500]}
        if match["file"]:
            item["range"] = {"filename": match["file"], "start": {"line": int(match["line"])}}
        found.append(item)
    return found or [{"severity": "error", "summary": "terraform init failed", "detail": _clean(text)}]


def _json_lines(text: str) -> list[dict[str, Any]]:
    messages = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                messages.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return messages


def _clean(text: str) -> str:
    lines = [line.strip(" │╷╵") for line in text.splitlines()]
    return " ".join(line for line in lines if line and "CLI configuration" not in line)[:2000]


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "root"


# What `init` depends on: module calls and their sources, provider requirements and backends. Local modules are
# read in place, so an edit inside a module needs no new init; a new or renamed module call does.
_INIT_LINES = re.compile(r'^\s*(?:module\s+"|source\s*=|version\s*=|backend\s+"|required_providers\b).*$', re.MULTILINE)


def tree_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for top in ("terraform", "modules"):
        for path in sorted((root / top).rglob("*.tf")):
            if ".terraform" not in path.parts:
                lines = _INIT_LINES.findall(path.read_text(encoding="utf-8", errors="replace"))
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + "\n".join(lines).encode())
    return digest.hexdigest()


# --- reattached providers ------------------------------------------------------------------------------------------


@contextmanager
def reattached_providers(sources: list[ProviderSource], environment: dict[str, str]) -> Iterator[dict[str, str]]:
    """Start one stand-in process per provider; yield the TF_REATTACH_PROVIDERS env that points Terraform at them."""
    stand_ins = [s for s in sources if s.real_binary is None]
    if not stand_ins:
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix="gf-standin-") as tmp:  # short: unix socket paths max out at 107 bytes
        processes: list[subprocess.Popen[str]] = []
        reattach = {}
        try:
            for source in stand_ins:
                socket = Path(tmp) / f"{source.name}.sock"
                process = subprocess.Popen(
                    [sys.executable, "-m", "glueflow.iac.provider", source.name, "--reattach", str(socket)],
                    stdout=subprocess.PIPE,
                    stdin=subprocess.PIPE,  # closed when we exit, however we exit: the stand-in then stops
                    text=True,
                    env={**os.environ, **environment},
                )
                processes.append(process)
                reattach[f"registry.terraform.io/hashicorp/{source.name}"] = {
                    "Protocol": "grpc",
                    "ProtocolVersion": 6,
                    "Pid": process.pid,
                    "Test": True,
                    "Addr": {"Network": "unix", "String": str(socket)},
                }
            for process in processes:
                assert process.stdout is not None
                if not process.stdout.readline().startswith("ready"):
                    raise RuntimeError("a stand-in provider failed to start; run `python -m glueflow.iac.provider`")
            yield {"TF_REATTACH_PROVIDERS": json.dumps(reattach)}
        finally:
            for process in processes:
                if process.stdin is not None:
                    process.stdin.close()
                process.terminate()
            for process in processes:
                process.wait(timeout=10)


# --- the whole pass ------------------------------------------------------------------------------------------------


class OfflineSession:
    """The workspace, one installer and `jobs` workers with their reattached stand-ins, kept across runs.

    `glueflow validate` makes one run; the mutation suite makes one per mutation on the same repo copy, paying
    the provider and Terraform start-up once.
    """

    def __init__(self, root: Path, *, real_aws: Path | None = None, jobs: int = 2) -> None:
        self.root = root.resolve()
        self.sources = stand_in_sources(real_aws)
        self.workspace = OfflineWorkspace(self.root, self.sources)
        self.jobs = max(1, jobs)
        self._stack = ExitStack()
        self._slots: queue.Queue[TerraformWorker] = queue.Queue()
        self._installer: TerraformWorker | None = None
        self._started = False

    def __enter__(self) -> OfflineSession:
        self.workspace.prepare()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _start(self) -> None:
        if self._started:
            return
        for _ in range(self.jobs):
            reattach = self._stack.enter_context(reattached_providers(self.sources, self.workspace.environment()))
            self._slots.put(self._stack.enter_context(_worker({**self.workspace.environment(), **reattach})))
        self._started = True

    def run(self, targets: list[ConfigTarget], progress: Progress | None = None) -> OfflineResult:
        started = time.perf_counter()
        self.workspace.sync_tree()
        runner = _Runner(self.workspace, self.root)
        fingerprint = tree_fingerprint(self.root)
        result = OfflineResult(ran=True, providers=[s.label for s in self.sources])
        stale = [t for t in targets if runner.needs_init(t, fingerprint)]
        if stale and self._installer is None:  # installs from the mirror: no reattached providers in its env
            self._installer = self._stack.enter_context(_worker(self.workspace.environment()))
        failed_init: set[Path] = set()
        for target in stale:
            assert self._installer is not None
            findings = runner.init(target, self._installer, fingerprint)
            result.findings += findings
            if findings:
                failed_init.add(target.config_dir)
            if progress:
                progress(f"init {display_path(target.config_dir, self.root)}")
        self._start()

        ready = [t for t in targets if t.config_dir not in failed_init]
        for target in ready:
            runner.forget_state(target)
        # One task per validate and per plan, the longest (plans of configs with many envs) first, so both
        # workers stay busy until the end; a config's plans may run side by side (-lock=false, own plan files).
        tasks: list[tuple[ConfigTarget, PlanTarget | None]] = [(t, p) for t in ready for p in t.plans]
        tasks.sort(key=lambda task: -len(task[0].plans))
        tasks += [(t, None) for t in ready if not t.plans]  # a plan runs the same validation first

        def work(task: tuple[ConfigTarget, PlanTarget | None]) -> tuple[list[Finding], PlanOutcome | None]:
            target, plan = task
            worker = self._slots.get()
            try:
                if plan is None:
                    return runner.validate(target, worker), None
                return runner.plan_target(target, plan, worker)
            finally:
                self._slots.put(worker)

        with ThreadPoolExecutor(self.jobs) as pool:
            for (target, plan), (findings, outcome) in zip(tasks, pool.map(work, tasks), strict=True):
                result.findings += findings
                if outcome is not None:
                    result.plans.append(outcome)
                if plan is None or plan == target.plans[-1]:
                    result.configs_validated.append(display_path(target.config_dir, self.root))
                    if progress:
                        progress(
                            f"{display_path(target.config_dir, self.root)}: {'OK' if not findings else 'problems'}"
                        )
        result.findings = _unique(result.findings)
        result.seconds = time.perf_counter() - started
        return result


def run_offline(
    root: Path,
    targets: list[ConfigTarget],
    *,
    real_aws: Path | None = None,
    jobs: int = 2,
    progress: Progress | None = None,
) -> OfflineResult:
    with OfflineSession(root, real_aws=real_aws, jobs=min(jobs, max(1, len(targets)))) as session:
        return session.run(targets, progress)


@contextmanager
def _worker(environment: dict[str, str]) -> Iterator[TerraformWorker]:
    worker = TerraformWorker(environment)
    try:
        yield worker
    finally:
        worker.close()
