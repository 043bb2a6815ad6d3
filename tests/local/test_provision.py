"""Local provisioning: deploy is idempotent and brings everything up to date; destroy removes the env's state."""

from __future__ import annotations

from glueflow.local.provision import deploy, destroy
from glueflow.local.store import Store

from .helpers import LocalProject

P = "prov"


def test_deploy_creates_buckets_database_definitions_scripts_and_sample_data(local_project: LocalProject) -> None:
    p = local_project
    (p.root / "pipelines" / "data.csv").write_text("a,b\n1,2\n")
    p.write_pipeline(
        P,
        jobs={"step": p.shell_job()},
        triggers={"go": {"type": "on_demand", "start": [{"job": "step"}]}},
        sample_data=[{"bucket": "raw", "key": "in/data.csv", "file": "data.csv"}],
    )
    deployment = p.deployment(P)
    deploy(deployment)
    deploy(deployment)  # idempotent

    s3 = p.state_dir / "s3"
    buckets = deployment.tfvars.environment.buckets
    assert {d.name for d in s3.iterdir()} == set(buckets.model_dump().values())
    assert (s3 / buckets.raw / "in" / "data.csv").read_text() == "a,b\n1,2\n"
    script = s3 / buckets.scripts / "glue_jobs" / P / "step.py"
    assert "Test job step" in script.read_text()
    assert (s3 / buckets.scripts / "glue_jobs" / "lib" / "glueflow_lib.zip").is_file()
    store = Store(p.state_dir, claim=False)
    try:
        assert store.database("glueflow_local_prov") is not None
        assert [j["Name"] for j in store.definitions("job")] == ["glueflow-local-prov-step"]
        assert store.definition("workflow", "glueflow-local-prov")["DefaultRunProperties"] == {}
    finally:
        store.close()

    template = p.root / "glue_jobs" / "tests" / "step.py.j2"
    template.write_text(template.read_text().replace("Test job", "Edited test job"))
    deploy(deployment)
    assert "Edited test job step" in script.read_text(), "a changed template is re-rendered and re-uploaded"

    destroy(deployment)
    assert not p.state_dir.exists()
