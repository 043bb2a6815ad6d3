"""`glueflow ingest`: drop files into an env's raw bucket, the way data arrives in production."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from glueflow.cli.console import err, out
from glueflow.cli.options import EnvOption, PipelineOption
from glueflow.ingest import (
    Upload,
    default_destination,
    parse_destination,
    plan_uploads,
    unread,
    upload_local,
    upload_s3,
)
from glueflow.spec import load_deployment
from glueflow.spec.deployment import Deployment


def command(
    files: Annotated[list[Path], typer.Argument(help="Files or folders to upload.", show_default=False)],
    env: EnvOption = "local",
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Destination: raw/<folder>/ (or processed/, temp/, s3://<env bucket>/<folder>/). "
            "Default: the folder of the pipeline that starts on uploads, else raw/.",
        ),
    ] = None,
    pipeline: PipelineOption = None,
) -> None:
    """Upload files to the env's raw bucket: S3 on AWS, the local bucket folder for env local.

    With `glueflow serve` running (or the S3 notification on AWS), an upload under a pipeline's
    `start_on_upload` folder starts its workflow, exactly as production data would.

    Examples:
      glueflow ingest pipelines/sample_data/customer_purchases/sample-data.csv --to raw/input/
      glueflow ingest --env dev ./exports/ --to raw/incoming/2025-01-01/
    """
    from glueflow.aws import api_errors, aws_client, aws_session, check_credentials, live_endpoint  # boto3: lazily

    deployment = load_deployment(env)
    environment = deployment.tfvars.environment
    bucket, prefix = parse_destination(to or default_destination(deployment.tfvars, pipeline), environment.buckets)
    uploads = plan_uploads(files, bucket, prefix)
    total = sum(u.size for u in uploads)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(f"uploading {len(uploads)} file(s)", total=total)

        def advance(size: int) -> None:
            progress.advance(task, size)

        if environment.kind == "local":
            upload_local(uploads, deployment, advance)
        else:
            with api_errors(environment):
                session = aws_session(environment)
                check_credentials(session, environment)
                upload_s3(uploads, aws_client("s3", environment, session), advance)
    for upload in uploads:
        out.print(f"  {upload.source} → {upload.url}", markup=False)
    out.print(f"[green]uploaded {len(uploads)} file(s), {total} bytes[/green]")
    _warn_unread(uploads, deployment)
    if environment.kind == "local" and live_endpoint(deployment.state_dir) is None:
        err.print("[dim]glueflow serve is not running: uploads start workflows only while it runs[/dim]")


def _warn_unread(uploads: list[Upload], deployment: Deployment) -> None:
    """A file under no folder a crawler or job reads lands where nothing will ever look: say where they do look."""
    missed, bucket_readers = unread(uploads, deployment.tfvars)
    if not missed:
        return
    err.print(f"[yellow]warning:[/yellow] no pipeline reads {', '.join(u.url for u in missed[:5])}", highlight=False)
    by_url: dict[str, list[str]] = {}
    for reader in bucket_readers:
        by_url.setdefault(reader.url, []).append(reader.by)
    for url in sorted(by_url)[:20]:
        err.print(f"  {url}  ({'; '.join(by_url[url])})", markup=False, highlight=False)
    if bucket_readers:
        err.print("  upload again with --to <one of these folders>", markup=False)
