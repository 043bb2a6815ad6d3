"""Local provisioning: what `terraform apply` does on AWS, done on this machine.

`deploy` is idempotent: it renders build/<env>/ when it is stale, creates the buckets (folders under the state
dir), each pipeline's catalog database, the definitions in the store, and uploads the rendered scripts, the job
library and the pipelines' sample data to local S3. `destroy` removes the env's state directory.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from glueflow.local.catalog import database_shape
from glueflow.local.definitions import keep_history, pipeline_definitions
from glueflow.local.s3 import LocalS3
from glueflow.local.store import Store
from glueflow.render import render, tfvars_json
from glueflow.spec.deployment import JOB_LIBRARY_ZIP, Deployment


def _render_is_stale(deployment: Deployment) -> bool:
    build = deployment.build_dir
    tfvars = build / "terraform.tfvars.json"
    library = build / "glue_jobs" / JOB_LIBRARY_ZIP
    if not tfvars.is_file() or tfvars.read_text(encoding="utf-8") != tfvars_json(deployment) or not library.is_file():
        return True
    root = deployment.root
    sources = [*(root / "glue_jobs").rglob("*.py.j2"), *(root / "glue_jobs" / "lib").rglob("*.py")]
    newest_source = max((p.stat().st_mtime for p in sources), default=0.0)
    for pipeline in deployment.tfvars.pipelines.values():
        for job in pipeline.jobs.values():
            script = root / job.script_path
            if not script.is_file() or script.stat().st_mtime < newest_source:
                return True
    return library.stat().st_mtime < newest_source


def _upload(source: Path, target: Path) -> bool:
    """Copy when the content differs; True if it was copied."""
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


def deploy(deployment: Deployment) -> None:
    """Create or update the local deployment of every pipeline in `deployment`."""
    if _render_is_stale(deployment):
        render(deployment)
    environment = deployment.tfvars.environment
    s3 = LocalS3(deployment.state_dir)
    for bucket in environment.buckets.model_dump().values():
        s3.bucket_path(bucket).mkdir(parents=True, exist_ok=True)
    library = deployment.build_dir / "glue_jobs" / JOB_LIBRARY_ZIP
    _upload(library, Path(s3.local_path(f"s3://{environment.buckets.scripts}/{environment.job_library_s3_key}")))
    store = Store(deployment.state_dir)
    try:
        for key, pipeline in deployment.tfvars.pipelines.items():
            with store.transaction():
                store.put_database(database_shape(pipeline.database_name, f"glueflow pipeline {key}"))
                definitions = pipeline_definitions(key, pipeline, environment)
                for kind, items in definitions.items():
                    for name, body in items.items():
                        items[name] = keep_history(body, store.definition(kind, name))
                store.replace_definitions(key, definitions)
            for job in pipeline.jobs.values():
                target = s3.local_path(f"s3://{environment.buckets.scripts}/{job.script_s3_key}")
                _upload(deployment.root / job.script_path, Path(target))
            for sample in pipeline.sample_data:
                _upload(deployment.root / sample.file, Path(s3.local_path(f"s3://{sample.bucket_name}/{sample.key}")))
    finally:
        store.close()


def destroy(deployment: Deployment) -> None:
    """Remove the env's whole state directory: store, buckets, logs."""
    if deployment.state_dir.exists():
        shutil.rmtree(deployment.state_dir)
