"""Two translations of one pipeline into Glue triggers must agree: modules/workflow_graph (HCL, for the
aws_glue_trigger resources) and glueflow.local.definitions.trigger_shapes (Python, for the local runtime). Real
Terraform runs the module on the rendered tfvars of every pipeline; the local translation reads the same file."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from glueflow.dag import WorkflowGraph
from glueflow.local.definitions import public, trigger_shapes
from glueflow.render import render
from glueflow.spec import load_deployment
from glueflow.spec.resolved import TfVars
from glueflow.terraform import TerraformConfig, TerraformRunner

from .conftest import REPO_ROOT

HARNESS = """\
module "graph" {
  source   = "../modules/workflow_graph"
  for_each = var.pipelines
  pipeline = each.value
}

output "triggers" {
  value = { for key, graph in module.graph : key => graph.triggers }
}

output "edges" {
  value = { for key, graph in module.graph : key => graph.edges }
}
"""

JSON = dict[str, Any]


def vary_triggers(values: JSON) -> None:
    """Cover what the repo's pipelines do not: an EVENT start with default batching, ANY over two states of one
    job, a disabled conditional trigger, an action timeout."""
    pipeline = values["pipelines"]["customer_purchases"]
    triggers = pipeline["triggers"]
    start = next(t for t in triggers.values() if t["type"] != "CONDITIONAL")
    start.update(type="EVENT", schedule=None, batch_size=None, batch_window_seconds=None, event_source=None)
    conditional = next(t for t in triggers.values() if t["type"] == "CONDITIONAL")
    first = conditional["conditions"][0]
    conditional.update(logical="ANY", enabled=False)
    conditional["conditions"].append({**first, "state": "FAILED" if first["job_name"] else "CANCELLED"})
    for action in conditional["actions"]:
        if action["job_name"]:
            action["timeout_minutes"] = 30


def module_shape(trigger: JSON) -> JSON:
    """The module's trigger arguments written as the Glue API shape the local runtime keeps."""
    shape: JSON = {
        "Name": trigger["name"],
        "WorkflowName": trigger["workflow_name"],
        "Type": trigger["type"],
        "Description": trigger["description"],
        "Activated": trigger["enabled"] if trigger["type"] != "ON_DEMAND" else None,
        "Actions": [
            {
                "JobName": a["job_name"],
                "Arguments": a["arguments"],
                **({"Timeout": a["timeout"]} if a["timeout"] else {}),
            }
            if a["job_name"]
            else {"CrawlerName": a["crawler_name"]}
            for a in trigger["actions"]
        ],
    }
    if trigger["schedule"]:
        shape["Schedule"] = trigger["schedule"]
    if trigger["predicate"]:
        shape["Predicate"] = {
            "Logical": trigger["predicate"]["logical"],
            "Conditions": [
                {"LogicalOperator": c["logical_operator"], "JobName": c["job_name"], "State": c["state"]}
                if c["job_name"]
                else {
                    "LogicalOperator": c["logical_operator"],
                    "CrawlerName": c["crawler_name"],
                    "CrawlState": c["crawl_state"],
                }
                for c in trigger["predicate"]["conditions"]
            ],
        }
    if trigger["event_batching_condition"]:
        batching = trigger["event_batching_condition"]
        shape["EventBatchingCondition"] = {"BatchSize": batching["batch_size"], "BatchWindow": batching["batch_window"]}
    return shape


def local_shape(trigger: JSON) -> JSON:
    shape = {k: v for k, v in public(trigger).items() if k not in ("Id", "State")}
    shape["Activated"] = None if trigger["Type"] == "ON_DEMAND" else trigger["State"] == "ACTIVATED"
    return json.loads(json.dumps(shape))


@pytest.fixture(scope="module")
def both_translations(tmp_path_factory: pytest.TempPathFactory) -> tuple[TfVars, JSON]:
    project = tmp_path_factory.mktemp("parity")
    for name in ("pipelines", "envs", "glue_jobs"):
        shutil.copytree(REPO_ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    config = project / "terraform"
    config.mkdir()
    shutil.copy(REPO_ROOT / "terraform" / "variables.tf", config / "variables.tf")
    (config / "harness.tf").write_text(HARNESS)
    shutil.copytree(REPO_ROOT / "modules" / "workflow_graph", project / "modules" / "workflow_graph")
    deployment = load_deployment("dev", root=project)
    render(deployment)
    var_file = deployment.build_dir / "terraform.tfvars.json"
    values = json.loads(var_file.read_text())
    vary_triggers(values)
    var_file.write_text(json.dumps(values))
    runner = TerraformRunner(
        TerraformConfig(config_dir=config, data_dir=project / ".tfdata", var_files=(var_file,)),
        sink=lambda _line: None,
        err_sink=lambda _text: None,
    )
    runner.init()
    runner.plan(project / "parity.tfplan")
    shown = json.loads(runner.run("show", ["-json", str(project / "parity.tfplan")], stream=False))
    outputs = {name: output["value"] for name, output in shown["planned_values"]["outputs"].items()}
    return TfVars.model_validate(values), outputs


def test_module_and_local_runtime_produce_the_same_triggers(both_translations: tuple[TfVars, JSON]) -> None:
    tfvars, outputs = both_translations
    assert set(outputs["triggers"]) == set(tfvars.pipelines)
    for key, pipeline in tfvars.pipelines.items():
        local = {t["Name"]: local_shape(t) for t in trigger_shapes(key, pipeline).values()}
        module = {t["name"]: module_shape(t) for t in outputs["triggers"][key].values()}
        assert module == local, key
    varied = {t["Type"] for t in trigger_shapes("customer_purchases", tfvars.pipelines["customer_purchases"]).values()}
    assert "EVENT" in varied


def test_module_and_workflow_graph_draw_the_same_edges(both_translations: tuple[TfVars, JSON]) -> None:
    tfvars, outputs = both_translations
    for key, pipeline in tfvars.pipelines.items():
        graph = WorkflowGraph.from_pipeline(pipeline)
        ours = {(f"{s.type.lower()}/{s.name}", f"{d.type.lower()}/{d.name}") for s, d in graph.edges}
        theirs = {(e["source"], e["destination"]) for e in outputs["edges"][key]}
        assert ours == theirs, key
        assert len(graph.edges) == len(ours)
