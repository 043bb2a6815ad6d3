"""The provider-free workflow_graph module: its native `terraform test` files pass, and its validations name the
offending trigger when a pipeline breaks Glue's rules."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from glueflow.terraform import TerraformConfig, TerraformError, TerraformRunner


def run_terraform(binary: list[str], module: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env_overrides = {"TF_DATA_DIR": str(module.parent / ".tfdata"), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    return subprocess.run(
        [*binary, f"-chdir={module}", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env_overrides},
        check=False,
    )


def test_native_terraform_test_files_pass(terraform_bin: list[str], copy_module: Callable[[str], Path]) -> None:
    module = copy_module("workflow_graph")
    init = run_terraform(terraform_bin, module, "init", "-input=false", "-no-color")
    assert init.returncode == 0, init.stderr
    result = run_terraform(terraform_bin, module, "test", "-no-color")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout
    passed = int(result.stdout.split("Success! ")[1].split(" passed")[0])
    assert passed >= 15, result.stdout


def plan_graph(binary: list[str], module: Path, pipeline: dict[str, object]) -> None:
    var_file = module.parent / "pipeline.tfvars.json"
    var_file.write_text(json.dumps({"pipeline": pipeline}))
    runner = TerraformRunner(
        TerraformConfig(config_dir=module, data_dir=module.parent / ".tfdata", var_files=(var_file,)),
        binary=binary,
        sink=lambda _line: None,
        err_sink=lambda _text: None,
    )
    runner.init()
    runner.plan(module.parent / "graph.tfplan")


BASE = {
    "workflow_name": "wf",
    "crawlers": {"raw": {"name": "wf-raw"}},
    "jobs": {"clean": {"name": "wf-clean"}, "load": {"name": "wf-load"}},
}


@pytest.mark.parametrize(
    ("triggers", "message"),
    [
        (
            {
                "start": {"name": "wf-start", "type": "ON_DEMAND", "actions": [{"crawler_name": "wf-raw"}]},
                "after": {
                    "name": "wf-after",
                    "type": "CONDITIONAL",
                    "conditions": [{"job_name": "wf-transfrom", "state": "SUCCEEDED"}],
                    "actions": [{"job_name": "wf-load"}],
                },
            },
            "A condition names a job or crawler this pipeline does not define: wf-after -> wf-transfrom.",
        ),
        (
            {
                "a": {"name": "wf-a", "type": "ON_DEMAND", "actions": [{"job_name": "wf-clean"}]},
                "b": {
                    "name": "wf-b",
                    "type": "SCHEDULED",
                    "schedule": "cron(0 1 * * ? *)",
                    "actions": [{"job_name": "wf-load"}],
                },
            },
            "has 2: [wf-a, wf-b]",
        ),
        (
            {
                "start": {
                    "name": "wf-start",
                    "type": "SCHEDULED",
                    "schedule": "rate(1 day)",
                    "actions": [{"job_name": "wf-clean"}],
                },
            },
            "rate() is not valid for Glue",
        ),
        (
            {
                "start": {"name": "wf-start", "type": "ON_DEMAND", "actions": [{"job_name": "wf-clean"}]},
                "retry": {
                    "name": "wf-retry",
                    "type": "CONDITIONAL",
                    "conditions": [{"job_name": "wf-clean", "state": "FAILED"}],
                    "actions": [{"job_name": "wf-clean"}],
                },
            },
            "A job cannot be both in a trigger's predicate and in its actions; check: wf-retry.",
        ),
    ],
    ids=["unknown-job", "two-start-triggers", "rate-schedule", "job-in-own-predicate"],
)
def test_invalid_graph_is_rejected_naming_the_trigger(
    terraform_bin: list[str],
    copy_module: Callable[[str], Path],
    triggers: dict[str, object],
    message: str,
) -> None:
    module = copy_module("workflow_graph")
    with pytest.raises(TerraformError) as caught:
        plan_graph(terraform_bin, module, {**BASE, "triggers": triggers})
    assert "Invalid value for variable" in str(caught.value)
    # Terraform wraps long messages; compare with whitespace normalised.
    assert message in " ".join(str(caught.value).split())


def test_the_module_example_plans_offline(terraform_bin: list[str], copy_module: Callable[[str], Path]) -> None:
    example = copy_module("workflow_graph") / "examples" / "basic"
    runner = TerraformRunner(
        TerraformConfig(config_dir=example, data_dir=example / ".tfdata"),
        binary=terraform_bin,
        sink=lambda _line: None,
        err_sink=lambda _text: None,
    )
    runner.init()
    plan_file = example / "example.tfplan"
    runner.plan(plan_file)
    outputs = json.loads(runner.run("show", ["-json", str(plan_file)], stream=False))["planned_values"]["outputs"]
    triggers = outputs["triggers"]["value"]
    assert triggers["both_crawled"]["predicate"]["logical"] == "AND"
    assert triggers["join_failed"]["predicate"]["logical"] == "ANY"
    assert [c["state"] for c in triggers["join_failed"]["predicate"]["conditions"]] == ["FAILED", "TIMEOUT"]
    assert len(outputs["edges"]["value"]) == 2 + 3 + 1 + 1 + 2 + 1
