"""The fault-injection suite: every case injects faults and records what survived in a session ledger.

Each test asks for `chaos` (a `FaultRecorder`) and calls `chaos.injected(kind, count)` for the faults it injects,
then `chaos.outcome(lost=..., outside=...)` with what it measured: data lost (uploads with neither a run nor a dead
letter, previous outputs not readable, duplicate runs) and files written outside the state dir. The terminal
summary prints the table; `make chaos` runs every case (GLUEFLOW_CHAOS=full), `make test` only the fast ones.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ..helpers import ENV_YAML, REPO_ROOT, TEMPLATES, LocalProject

FULL = os.environ.get("GLUEFLOW_CHAOS") == "full"
full_only = pytest.mark.skipif(not FULL, reason="heavy fault injection: runs in `make chaos` (GLUEFLOW_CHAOS=full)")


@dataclass
class Case:
    test: str
    kind: str = ""
    faults: int = 0
    lost: int = 0
    outside: int = 0
    finished: bool = False


@dataclass
class Ledger:
    cases: list[Case] = field(default_factory=list)


_LEDGER = Ledger()


class FaultRecorder:
    """What one test injected and measured."""

    def __init__(self, case: Case) -> None:
        self.case = case

    def injected(self, kind: str, count: int = 1) -> None:
        self.case.kind = kind if not self.case.kind else self.case.kind
        self.case.faults += count

    def outcome(self, *, lost: int, outside: int) -> None:
        self.case.lost += lost
        self.case.outside += outside
        self.case.finished = True


@pytest.fixture
def chaos(request: pytest.FixtureRequest) -> Iterator[FaultRecorder]:
    case = Case(request.node.nodeid.split("::")[-1])
    yield FaultRecorder(case)
    if case.faults:
        _LEDGER.cases.append(case)


def snapshot(*roots: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple[int, int]]:
    """{path: (size, mtime_ns)} of every file under `roots`, except under `skip` (to diff for outside writes)."""
    found: dict[str, tuple[int, int]] = {}
    skipped = [s.resolve() for s in skip]
    for root in roots:
        if not root.exists():
            continue
        for folder, dirs, files in os.walk(root):
            here = Path(folder).resolve()
            dirs[:] = [d for d in dirs if (here / d) not in skipped]
            for name in files:
                path = here / name
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    cases = _LEDGER.cases
    if not cases:
        return
    rows: dict[str, list[int]] = {}
    for case in cases:
        row = rows.setdefault(case.kind, [0, 0, 0, 0])
        clean = case.finished and not case.lost and not case.outside
        row[0] += case.faults
        row[1] += case.faults if clean else 0
        row[2] += case.lost
        row[3] += case.outside
    total, survived, lost, outside = (sum(r[i] for r in rows.values()) for i in range(4))
    write = terminalreporter.write_line
    write("")
    write(f"{'fault injected':<46} {'faults':>6} {'survived':>8} {'data lost':>9} {'outside writes':>14}")
    for kind, (faults, ok, gone, out) in rows.items():
        write(f"{kind[:46]:<46} {faults:>6} {ok:>8} {gone:>9} {out:>14}")
    write(f"{'TOTAL':<46} {total:>6} {survived:>8} {lost:>9} {outside:>14}")
    report = os.environ.get("GLUEFLOW_CHAOS_REPORT")
    if report:
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        Path(report).write_text(
            json.dumps({"faults": total, "survived": survived, "data_lost": lost, "outside_writes": outside})
        )


@pytest.fixture(scope="module")
def module_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProject]:
    """A LocalProject shared by a module's tests (set up as tests/local/conftest.py's `local_project`)."""
    root = tmp_path_factory.mktemp("chaos") / "project"
    (root / "pipelines").mkdir(parents=True)
    (root / "envs").mkdir()
    (root / "envs" / "local.yaml").write_text(ENV_YAML)
    shutil.copytree(
        REPO_ROOT / "glue_jobs" / "lib", root / "glue_jobs" / "lib", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "glue_jobs" / "tests").mkdir()
    shutil.copy(TEMPLATES / "step.py.j2", root / "glue_jobs" / "tests" / "step.py.j2")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GLUEFLOW_STATE_DIR", str(root / ".glueflow-state"))
        patch.delenv("GLUEFLOW_ROOT", raising=False)
        project = LocalProject(root, root / ".glueflow-state")
        yield project
        project.close()


def project_outside(project: LocalProject) -> dict[str, tuple[int, int]]:
    """A snapshot of the project outside its state dir (and the test jobs' own marker folder)."""
    return snapshot(project.root, skip=(project.state_dir, project.markers, project.root / "build"))
