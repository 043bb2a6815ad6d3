"""Finding 1: no StartJobRun argument makes the runtime run a caller's code or write outside the state dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from glueflow.local.errors import GlueApiError
from glueflow.local.runtime import LocalRuntime

from ..helpers import LocalProject
from .conftest import FaultRecorder, changed, snapshot

PIPELINE = "args"
JOB = "glueflow-local-args-step"


@pytest.fixture(scope="module")
def runtime(module_project: LocalProject) -> LocalRuntime:
    p = module_project
    p.write_pipeline(
        PIPELINE,
        jobs={"step": p.shell_job()},
        triggers={"go": {"type": "on_demand", "start": [{"job": "step"}]}},
    )
    return p.runtime(PIPELINE)


@pytest.fixture(scope="module")
def outside(module_project: LocalProject) -> Path:
    """A folder outside the project and state dir that hostile arguments aim at; with a 'library' that would
    shadow the stdlib's json module and leave a file behind if any job imported it."""
    folder = module_project.root.parent / "outside"
    (folder / "library").mkdir(parents=True, exist_ok=True)
    (folder / "library" / "json.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('PWNED').write_text('caller code ran')\n"
    )
    return folder


def buckets(project: LocalProject) -> Any:
    return project.deployment(PIPELINE).tfvars.environment.buckets


def hostile_arguments(outside: Path, raw_bucket: str) -> list[tuple[str, dict[str, str]]]:
    raw = f"s3://{raw_bucket}"
    return [
        ("--extra-py-files: a caller folder", {"--extra-py-files": str(outside / "library")}),
        ("--extra-py-files: a caller file", {"--extra-py-files": str(outside / "library" / "json.py")}),
        ("--extra-py-files: s3 .. escape", {"--extra-py-files": f"{raw}/../../../../{outside.name}/library"}),
        ("--extra-py-files: list with one bad entry", {"--extra-py-files": f"{raw}/x.py,{outside}/library"}),
        ("--extra-py-files: file: URL", {"--extra-py-files": f"file://{outside}/library"}),
        ("data path: s3 .. escape", {"--MARKER_DIR": f"{raw}/../../../../{outside.name}/"}),
        ("data path: absolute path", {"--MARKER_DIR": str(outside / "markers")}),
        ("data path: relative .. path", {"--MARKER_DIR": "../../../../outside/markers"}),
        ("data path: home dir", {"--MARKER_DIR": "~/glueflow-chaos-markers"}),
        ("data path: symlink in a bucket", {"--MARKER_DIR": f"{raw}/link/"}),
        ("--additional-python-modules", {"--additional-python-modules": "evil==1.0"}),
        ("--conf", {"--conf": "spark.driver.extraClassPath=/tmp/evil.jar"}),
    ]


def test_hostile_arguments_are_rejected_and_touch_nothing(
    runtime: LocalRuntime, module_project: LocalProject, outside: Path, chaos: FaultRecorder
) -> None:
    state = module_project.state_dir
    raw_bucket = buckets(module_project).raw
    link = state / "s3" / raw_bucket / "link"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.symlink_to(outside)
    watched = (module_project.root, outside, Path.home() / "glueflow-chaos-markers")
    before = snapshot(*watched, skip=(state, module_project.markers))
    cases = hostile_arguments(outside, raw_bucket)
    for why, arguments in cases:
        chaos.injected("hostile StartJobRun argument")
        with pytest.raises(GlueApiError) as error:
            runtime.call("StartJobRun", {"JobName": JOB, "Arguments": {**arguments}})
        assert error.value.code == "InvalidInputException", why
        assert next(iter(arguments)) in error.value.message, why
    assert runtime.store.job_runs(JOB) == []  # none of them started
    writes = changed(before, snapshot(*watched, skip=(state, module_project.markers)))
    assert not (outside / "library" / "PWNED").exists()
    chaos.outcome(lost=0, outside=len(writes))
    assert writes == []


def test_arguments_inside_the_state_dir_and_the_project_library_still_work(
    runtime: LocalRuntime, module_project: LocalProject, chaos: FaultRecorder
) -> None:
    chaos.injected("confined argument that must pass")
    job = runtime.store.definition("job", JOB)
    assert job is not None
    arguments: dict[str, Any] = {
        "--extra-py-files": job["DefaultArguments"]["--extra-py-files"],  # the project's library: allowed
        "--OUTPUT_PATH": f"s3://{buckets(module_project).processed}/out/",
        "--NOTE": "plain text, not a path",
    }
    run_id = runtime.call("StartJobRun", {"JobName": JOB, "Arguments": arguments})["JobRunId"]
    finished = runtime.engine.wait_for_job_run(run_id, 60)
    assert finished["JobRunState"] == "SUCCEEDED", finished.get("ErrorMessage")
    chaos.outcome(lost=0, outside=0)


def test_a_dot_dot_s3_path_in_a_definition_fails_the_run_instead_of_escaping(
    runtime: LocalRuntime, module_project: LocalProject, outside: Path, chaos: FaultRecorder
) -> None:
    """Defence in depth: even an argument that bypassed the API check (e.g. from a trigger) cannot leave S3."""
    chaos.injected("s3 .. path at job launch")
    with pytest.raises(ValueError, match=r"'\.\.' segment"):
        runtime.s3.local_path(f"s3://glueflow-local-raw/../../../{outside.name}/x")
    chaos.outcome(lost=0, outside=0)
