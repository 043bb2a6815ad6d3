"""boto3 sessions and clients for every env, so local and AWS share one code path.

- kind `aws`: the default credential chain (AWS_PROFILE, SSO, env vars, instance roles) in the env's region, with
  botocore's adaptive retry mode, which backs off and rate-limits itself when Glue throttles.
- kind `local`: the same clients pointed at the local Glue endpoint. If `glueflow serve` is running for this state
  dir (it writes `<state_dir>/endpoint.json`), its endpoint is used; otherwise the background runtime is started
  (local/services/background.py), or with GLUEFLOW_BACKGROUND=off a runtime and endpoint in this process for the
  duration of the command (`status`, which only reads, calls that runtime directly, without an endpoint). Any
  credentials work locally; dummy ones are passed.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
)

from glueflow import __version__
from glueflow.errors import GlueflowError
from glueflow.run_changes import SEEN_HEADER, WAIT_HEADER, change_mark
from glueflow.spec.deployment import Deployment
from glueflow.spec.resolved import Environment

if TYPE_CHECKING:
    import boto3


@functools.cache
def _retry_config() -> Any:
    from botocore.config import Config  # boto3 and its config: only when a client is made (see LocalGlue)

    return Config(
        retries={"mode": "adaptive", "max_attempts": 10},
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra=f"glueflow/{__version__}",
    )


@functools.cache
def _local_config() -> Any:
    from botocore.config import Config

    # The local endpoint answers at once; fail fast if it is gone rather than retrying for a minute.
    return Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=2, read_timeout=60)


LOCAL_CREDENTIALS = {"aws_access_key_id": "glueflow-local", "aws_secret_access_key": "glueflow-local"}
ENDPOINT_FILE = "endpoint.json"


# --- AWS ---------------------------------------------------------------------------------------------------


def aws_session(environment: Environment) -> boto3.Session:
    """A session in the env's region; the profile comes from AWS_PROFILE like every AWS tool."""
    import boto3

    try:
        return boto3.Session(region_name=environment.region)
    except ProfileNotFound as exc:
        raise GlueflowError(str(exc), hint="set AWS_PROFILE to a profile in ~/.aws/config, or unset it") from exc


def aws_client(service: str, environment: Environment, session: boto3.Session | None = None) -> Any:
    return (session or aws_session(environment)).client(service, config=_retry_config())


def check_credentials(session: boto3.Session, environment: Environment) -> str:
    """The caller's account id; a clear error when there are no credentials or they are for another account."""
    try:
        account = str(session.client("sts", config=_retry_config()).get_caller_identity()["Account"])
    except (NoCredentialsError, NoRegionError) as exc:
        raise GlueflowError(
            f"no AWS credentials for env '{environment.name}': {exc}",
            hint="log in (aws sso login / AWS_PROFILE=...) or use --env local, which needs no account",
        ) from exc
    if account != environment.account_id:
        raise GlueflowError(
            f"the AWS credentials are for account {account}, but env '{environment.name}' "
            f"deploys to {environment.account_id}",
            hint="switch AWS_PROFILE to the env's account",
        )
    return account


@contextmanager
def api_errors(environment: Environment) -> Iterator[None]:
    """Turn botocore's errors into GlueflowErrors that say what failed and what to do."""
    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "Error"), error.get("Message", str(exc))
        hint = _HINTS.get(f"{exc.operation_name}:{code}", _HINTS.get(code, "")).format(env=environment.name)
        raise GlueflowError(f"{exc.operation_name}: {code}: {message}", hint=hint or None) from exc
    except NoCredentialsError as exc:
        raise GlueflowError(
            f"no AWS credentials for env '{environment.name}'",
            hint="log in (aws sso login / AWS_PROFILE=...) or use --env local, which needs no account",
        ) from exc
    except EndpointConnectionError as exc:
        hint = "is `glueflow serve` still running?" if environment.kind == "local" else "check your network / region"
        raise GlueflowError(str(exc), hint=hint) from exc
    except BotoCoreError as exc:
        raise GlueflowError(str(exc)) from exc


_HINTS = {
    "GetWorkflowRun:EntityNotFoundException": "check the run id; `glueflow status --env {env}` shows the latest run",
    "EntityNotFoundException": "is it deployed? `glueflow deploy --env {env}` (or `glueflow run --env {env}` locally)",
    "ConcurrentRunsExceededException": "a run is still going: see `glueflow status --env {env}`",
    "AccessDeniedException": "your role lacks this Glue permission in env '{env}'",
    "ThrottlingException": "Glue kept throttling after retries; try again in a minute",
}


# --- local -------------------------------------------------------------------------------------------------


def local_client(service: str, endpoint_url: str, region: str) -> Any:
    import boto3

    return boto3.session.Session(region_name=region, **LOCAL_CREDENTIALS).client(
        service, endpoint_url=endpoint_url, config=_local_config()
    )


class LocalGlue:
    """The local endpoint's Glue API for `glueflow run` and `status` without boto3: importing boto3 and building a
    Glue client took longer than the whole of `glueflow status` against a running runtime. Hand-written because
    AWS JSON 1.1 is one POST per call (`X-Amz-Target: AWSGlue.<Operation>`); the endpoint itself is exercised with
    boto3 by its tests and by anyone pointing boto3 or the AWS CLI at it. `glue.get_workflow_run(Name=…)` calls
    GetWorkflowRun as boto3 would; errors raise botocore's ClientError, so `api_errors` treats both alike.
    Timestamps stay epoch seconds (boto3 would make datetimes; follow.py takes both)."""

    def __init__(self, endpoint_url: str, timeout: float = 60.0) -> None:
        parsed = urlparse(endpoint_url)
        self._address = (parsed.hostname or "127.0.0.1", parsed.port or 80)
        self._timeout = timeout
        self._connection: Any = None
        self._marks: dict[tuple[str, str], str] = {}  # (workflow, run id) → the change_mark last seen

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        operation = _operation_name(name)
        return lambda **params: self.call(operation, params)

    def wait_for_change(self, workflow: str, run_id: str, timeout: float) -> None:
        """Return once the run differs from what get_workflow_run last returned (the runtime answers on its
        events), or after `timeout` seconds."""
        key = (workflow, run_id)
        seen = self._marks.get(key, "")
        extra = {WAIT_HEADER: f"{timeout:g}", SEEN_HEADER: seen}
        started = time.monotonic()
        self.call("GetWorkflowRun", {"Name": workflow, "RunId": run_id, "IncludeGraph": True}, extra)
        if self._marks.get(key) == seen and time.monotonic() - started < timeout / 2:
            time.sleep(0.1)  # the runtime did not wait (too many waiters): do not spin

    def call(self, operation: str, params: dict[str, Any], extra: dict[str, str] | None = None) -> dict[str, Any]:
        import http.client

        body = json.dumps(params).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AWSGlue.{operation}"}
        headers.update(extra or {})
        for attempt in (1, 2):  # a kept-alive connection the endpoint closed meanwhile: reconnect once
            if self._connection is None:
                self._connection = http.client.HTTPConnection(*self._address, timeout=self._timeout)
            try:
                self._connection.request("POST", "/", body=body, headers=headers)
                response = self._connection.getresponse()
                status, data = response.status, response.read()
                break
            except (ConnectionError, http.client.HTTPException) as exc:
                self._connection.close()
                self._connection = None
                if attempt == 2:
                    raise EndpointConnectionError(endpoint_url=f"http://{self._address[0]}:{self._address[1]}") from exc
        answer = json.loads(data or b"{}")
        if status != 200:
            code = str(answer.get("__type", "InternalServiceException")).rpartition("#")[2]
            error = {"Code": code, "Message": str(answer.get("message", ""))}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": status}}, operation)
        if operation == "GetWorkflowRun" and isinstance(answer.get("Run"), dict):
            self._marks[(params.get("Name", ""), params.get("RunId", ""))] = change_mark(answer["Run"])
        return dict(answer)


class InProcessGlue:
    """A read-only command's Glue calls (`glueflow status` with no runtime up) on a runtime in this process, called
    directly: no endpoint, so no HTTP server or asyncio. LocalGlue's interface (boto3's method names, botocore's
    ClientError, so `api_errors` treats both alike); no wait_for_change, as nothing follows runs through it. Its
    requests are glueflow's own, so they skip the check against botocore's model."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        operation = _operation_name(name)
        return lambda **params: self.call(operation, params)

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        from glueflow.local.errors import GlueApiError

        try:
            return dict(self._runtime.call(operation, params, validate=False))
        except GlueApiError as exc:  # as the endpoint would answer it
            response = {"Error": {"Code": exc.code, "Message": exc.message}}
            raise ClientError({**response, "ResponseMetadata": {"HTTPStatusCode": exc.http_status}}, operation) from exc


def _operation_name(method: str) -> str:
    """boto3's method name → the API operation (get_workflow_run → GetWorkflowRun)."""
    return "".join(part.capitalize() for part in method.split("_"))


@dataclass(frozen=True)
class EndpointInfo:
    url: str
    pid: int
    started_at: float


def write_endpoint_file(state_dir: Path, url: str) -> Path:
    """Announce a serving endpoint for this state dir (atomically, so readers never see half a file)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / ENDPOINT_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"url": url, "pid": os.getpid(), "started_at": time.time()}) + "\n")
    os.replace(temporary, path)
    return path


def remove_endpoint_file(state_dir: Path) -> None:
    """Remove the announcement if it is ours (another serve may have replaced it)."""
    path = state_dir / ENDPOINT_FILE
    info = _read_endpoint_file(path)
    if info is not None and info.pid == os.getpid():
        path.unlink(missing_ok=True)


def live_endpoint(state_dir: Path) -> EndpointInfo | None:
    """The endpoint `glueflow serve` announced for this state dir, if its process is alive and listening."""
    info = _read_endpoint_file(state_dir / ENDPOINT_FILE)
    if info is None or not _process_alive(info.pid) or not _listening(info.url):
        return None
    return info


def _read_endpoint_file(path: Path) -> EndpointInfo | None:
    try:
        data = json.loads(path.read_text())
        return EndpointInfo(str(data["url"]), int(data["pid"]), float(data.get("started_at", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def _listening(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 80), timeout=1):
            return True
    except OSError:
        return False


# --- one entry point for commands ----------------------------------------------------------------------------


@dataclass
class GlueConnection:
    """A Glue client for the env, and where it points."""

    glue: Any
    deployment: Deployment
    endpoint_url: str | None  # None: AWS
    in_process: bool  # the local runtime lives in this process: runs stop when the command exits

    @property
    def is_local(self) -> bool:
        return self.deployment.env.kind == "local"


@contextmanager
def connect_glue(
    deployment: Deployment, *, provision: bool = False, start_background: bool = True, light: bool = False
) -> Iterator[GlueConnection]:
    """A Glue client for the deployment's env (see the module docstring). With `provision`, the local deployment
    is brought up to date first (idempotent). Without `start_background`, no background runtime is started for
    this command (one that is running is still used). With `light`, a local env gets a LocalGlue instead of a
    boto3 client (for the few calls `run` and `status` make)."""

    def client(url: str) -> Any:
        return LocalGlue(url) if light else local_client("glue", url, environment.region)

    environment = deployment.tfvars.environment
    if environment.kind == "aws":
        yield GlueConnection(aws_client("glue", environment), deployment, None, in_process=False)
        return
    if provision:
        _local_module("provision").deploy(deployment)
    served = live_endpoint(deployment.state_dir)
    if served is None and start_background and deployment.settings.background:
        served = _local_module("services.background").ensure(deployment)
    if served is not None:
        yield GlueConnection(client(served.url), deployment, served.url, False)
        return
    from glueflow.local import runtime  # a runtime in this process: only when nothing serves the env

    in_process = runtime.LocalRuntime.for_deployment(deployment)
    try:
        if light and not start_background:  # a read-only command: called directly, no endpoint
            yield GlueConnection(InProcessGlue(in_process), deployment, None, True)
            return
        from glueflow.local import endpoint

        server = endpoint.start_endpoint(in_process)
        try:
            yield GlueConnection(client(server.url), deployment, server.url, True)
        finally:
            server.shutdown()
    finally:
        in_process.close()


def _local_module(name: str) -> Any:
    """Import a part of the embedded runtime lazily: AWS commands must not pay for it (or need it installed), and
    a local command imports only what it uses (`status` against a running runtime: nothing of it)."""
    try:
        return importlib.import_module(f"glueflow.local.{name}")
    except ImportError as exc:
        raise GlueflowError(
            f"the local runtime is not available: {exc}",
            hint="reinstall glueflow with `make setup`, or use an aws env",
        ) from exc
