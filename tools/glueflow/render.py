"""Render build/<env>/: terraform.tfvars.json, backend.hcl, the job scripts and the job library zip.

Output is deterministic: the same specs and templates give byte-identical files.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jinja2

from glueflow.errors import GlueflowError
from glueflow.spec.deployment import JOB_LIBRARY_ZIP, Deployment
from glueflow.template_lines import template_line_of_error, template_line_of_output

# A fixed timestamp keeps the zip byte-identical between renders (zip stores mtimes).
_ZIP_EPOCH = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class RenderResult:
    build_dir: Path
    files: list[Path]


def render(deployment: Deployment) -> RenderResult:
    """Write every rendered file for the deployment's env and return their paths."""
    build = deployment.build_dir
    scripts_dir = build / "glue_jobs"
    if scripts_dir.exists():
        shutil.rmtree(scripts_dir)  # a removed job must not leave a stale script behind
    scripts_dir.mkdir(parents=True)
    files = [
        _write(build / "terraform.tfvars.json", tfvars_json(deployment)),
        _write(build / "backend.hcl", backend_hcl(deployment)),
        _write_job_library(deployment.root / "glue_jobs" / "lib", scripts_dir / JOB_LIBRARY_ZIP),
    ]
    environment = _jinja_environment(deployment.root / "glue_jobs")
    for pipeline_name, spec in deployment.specs.items():
        for job_name in spec.jobs:
            text = render_job_script(environment, deployment, pipeline_name, job_name)
            files.append(
                _write(
                    deployment.root / deployment.tfvars.pipelines[pipeline_name].jobs[job_name].script_path,
                    text,
                )
            )
    return RenderResult(build_dir=build, files=files)


def tfvars_json(deployment: Deployment) -> str:
    return json.dumps(deployment.tfvars.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"


def backend_hcl(deployment: Deployment) -> str:
    env = deployment.env
    if env.kind == "local":
        return (
            "# env 'local' runs on glueflow's embedded runtime; Terraform and this backend are not used.\n"
            f"# Runtime state lives in {_display_path(deployment.state_dir, deployment.root)}/.\n"
        )
    return (
        f'bucket       = "{env.state_bucket}"\n'
        f'key          = "glueflow/{env.name}/terraform.tfstate"\n'
        f'region       = "{env.region}"\n'
        "encrypt      = true\n"
        # The key terraform/bootstrap creates; without it `encrypt` would mean SSE-S3, not the bucket's CMK.
        f'kms_key_id   = "arn:aws:kms:{env.region}:{env.account_id}:alias/{env.name_prefix}-{env.name}-tfstate"\n'
        "use_lockfile = true\n"
    )


def _display_path(path: Path, root: Path) -> str:
    """Repo-relative where possible; a state dir outside the repo ($GLUEFLOW_STATE_DIR) stays absolute."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _jinja_environment(template_dir: Path) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # the output is Python source, not HTML
    )
    environment.filters["tojson"] = _strict_tojson
    return environment


def _strict_tojson(value: object) -> str:
    """`tojson` that fails on undefined values: the built-in one hands them to json.dumps (a TypeError)."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return json.dumps(value, sort_keys=True)


def render_job_script(environment: jinja2.Environment, deployment: Deployment, pipeline: str, job_name: str) -> str:
    """Render one job's script; a template error or invalid Python names the template and line."""
    job = deployment.specs[pipeline].jobs[job_name]
    context = {
        "pipeline": pipeline,
        "job": {"name": job_name, "description": job.description, "type": job.type},
        "params": job.params,
    }
    where = f"glue_jobs/{job.template}"
    try:
        template = environment.get_template(job.template)
        text = template.render(context)
    except jinja2.UndefinedError as exc:
        line = template_line_of_error(exc, template.filename)
        raise GlueflowError(
            f"{where}{f':{line}' if line else ''}: {exc.message} (rendering job '{job_name}' of pipeline '{pipeline}')",
            hint=f"set it under jobs.{job_name}.params in pipelines/{pipeline}.yaml",
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise GlueflowError(f"{where}:{exc.lineno}: template syntax error: {exc.message}") from exc
    try:
        compile(text, f"{pipeline}/{job_name}.py", "exec")
    except SyntaxError as exc:
        source = Path(template.filename or "").read_text(encoding="utf-8") if template.filename else ""
        line = template_line_of_output(environment, source, context, exc.lineno or 1) if source else None
        raise GlueflowError(
            f"{where}{f':{line}' if line else ''} renders invalid Python for job '{job_name}': {exc.msg} "
            f"(line {exc.lineno} of the rendered script)",
            hint=f"inspect the output with `glueflow render` and build/<env>/glue_jobs/{pipeline}/{job_name}.py",
        ) from exc
    return text


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _write_job_library(library_dir: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source in sorted(library_dir.rglob("*.py")):
            info = zipfile.ZipInfo(source.relative_to(library_dir).as_posix(), date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, source.read_bytes())
    return target
