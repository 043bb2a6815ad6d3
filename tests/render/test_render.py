"""Rendering: the files a deploy consumes, byte-identical across runs, valid Python, env values as arguments."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from glueflow.errors import GlueflowError
from glueflow.render import render
from glueflow.spec import load_deployment
from glueflow.spec.resolved import TfVars


def snapshot(build: Path) -> dict[str, bytes]:
    return {p.relative_to(build).as_posix(): p.read_bytes() for p in sorted(build.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("env", ["local", "dev"])
def test_render_writes_tfvars_backend_scripts_and_library(project: Path, env: str) -> None:
    result = render(load_deployment(env, root=project))
    files = sorted(p.relative_to(result.build_dir).as_posix() for p in result.files)
    deployment = load_deployment(env, root=project)
    scripts = [f"glue_jobs/{p}/{j}.py" for p, spec in deployment.specs.items() for j in spec.jobs]
    assert "glue_jobs/customer_purchases/map_purchases.py" in scripts
    assert files == sorted(["backend.hcl", "glue_jobs/glueflow_lib.zip", "terraform.tfvars.json", *scripts])
    tfvars = TfVars.model_validate_json((result.build_dir / "terraform.tfvars.json").read_text())
    assert tfvars.environment.name == env
    with zipfile.ZipFile(result.build_dir / "glue_jobs" / "glueflow_lib.zip") as archive:
        assert "glueflow_lib/args.py" in archive.namelist()


def test_rendering_twice_is_byte_identical(project: Path) -> None:
    deployment = load_deployment("dev", root=project)
    first = snapshot(render(deployment).build_dir)
    second = snapshot(render(load_deployment("dev", root=project)).build_dir)
    assert first == second
    assert {"backend.hcl", "terraform.tfvars.json", "glue_jobs/glueflow_lib.zip"} <= set(first)


def test_the_script_is_the_same_for_every_env(project: Path) -> None:
    scripts = {
        env: (
            render(load_deployment(env, root=project)).build_dir / "glue_jobs/customer_purchases/map_purchases.py"
        ).read_text()
        for env in ("local", "dev", "prod")
    }
    assert scripts["local"] == scripts["dev"] == scripts["prod"]
    compile(scripts["dev"], "map_purchases.py", "exec")
    assert '("purchase_amount", "string", "purchase_amount", "double")' in scripts["dev"]


def test_env_values_reach_jobs_as_arguments(project: Path) -> None:
    dev = load_deployment("dev", root=project).tfvars.pipelines["customer_purchases"]
    prod = load_deployment("prod", root=project).tfvars.pipelines["customer_purchases"]
    assert (
        dev.jobs["map_purchases"].default_arguments["--OUTPUT_PATH"]
        == "s3://glueflow-dev-processed-111111111111/output/"
    )
    assert dev.jobs["map_purchases"].default_arguments["--DATABASE_NAME"] == "glueflow_dev_customer_purchases"
    assert (prod.jobs["map_purchases"].worker_type, prod.jobs["map_purchases"].number_of_workers) == ("G.2X", 10)
    assert dev.jobs["map_purchases"].number_of_workers == 2
    assert dev.default_run_properties == {"environment": "dev", "pipeline_version": "1.0-dev"}
    # dev turns schedules off; prod keeps them
    assert dev.triggers["daily"].enabled is False
    assert prod.triggers["daily"].enabled is True


def test_backend_is_per_env_with_native_locking(project: Path) -> None:
    build = render(load_deployment("staging", root=project)).build_dir
    backend = (build / "backend.hcl").read_text()
    assert 'key          = "glueflow/staging/terraform.tfstate"' in backend
    assert "use_lockfile = true" in backend
    assert 'kms_key_id   = "arn:aws:kms:eu-west-1:222222222222:alias/glueflow-staging-tfstate"' in backend
    assert 'bucket       = "glueflow-tfstate-222222222222-eu-west-1"' in backend


def test_customer_purchases_resolves_the_recipe_graph(project: Path) -> None:
    pipeline = load_deployment("dev", root=project).tfvars.pipelines["customer_purchases"]
    start = pipeline.start_trigger()
    assert (start.type, start.schedule) == ("SCHEDULED", "cron(0 2 * * ? *)")
    assert [a.crawler_name for a in start.actions] == ["glueflow-dev-customer-purchases-source"]
    crawled = pipeline.triggers["source_crawled"]
    assert (crawled.logical, crawled.conditions[0].crawler_name, crawled.conditions[0].state) == (
        "AND",
        "glueflow-dev-customer-purchases-source",
        "SUCCEEDED",
    )
    assert pipeline.max_concurrent_runs == 1
    assert json.loads(json.dumps(pipeline.crawlers["target"].s3_targets[0].model_dump()))["path"].endswith("/output/")


def test_undefined_template_parameter_names_template_and_key(project: Path) -> None:
    spec = project / "pipelines" / "customer_purchases.yaml"
    spec.write_text(spec.read_text().replace("      source_table: input\n", ""))
    with pytest.raises(GlueflowError) as caught:
        render(load_deployment("local", root=project))
    assert "glue_jobs/customer_purchases/map_purchases.py.j2" in str(caught.value)
    assert "source_table" in str(caught.value)
    assert caught.value.hint == "set it under jobs.map_purchases.params in pipelines/customer_purchases.yaml"


def test_template_rendering_invalid_python_is_rejected(project: Path) -> None:
    template = project / "glue_jobs" / "customer_purchases" / "map_purchases.py.j2"
    template.write_text(template.read_text() + "\ndef broken(:\n")
    with pytest.raises(GlueflowError, match="renders invalid Python for job 'map_purchases'"):
        render(load_deployment("local", root=project))


def test_a_removed_job_leaves_no_stale_script(project: Path) -> None:
    deployment = load_deployment("local", root=project)
    stale = deployment.build_dir / "glue_jobs" / "old_pipeline" / "old_job.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("print('old')\n")
    render(deployment)
    assert not stale.exists()


def test_local_backend_note_names_a_state_dir_outside_the_repo(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.setenv("GLUEFLOW_STATE_DIR", str(outside))
    build = render(load_deployment("local", root=project)).build_dir
    assert f"Runtime state lives in {outside.as_posix()}/." in (build / "backend.hcl").read_text()
