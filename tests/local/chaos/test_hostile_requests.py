"""Finding 8: the endpoint under oversized, malformed and slow requests, and under many idle connections."""

from __future__ import annotations

import json
import resource
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from glueflow.local import http_limits
from glueflow.local.endpoint import EndpointServer, start_endpoint
from glueflow.local.runtime import LocalRuntime

from ..helpers import LocalProject
from .conftest import FaultRecorder, changed, project_outside

PIPELINE = "hostile"
WORKFLOW = "glueflow-local-hostile"


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
def outside(runtime: LocalRuntime, module_project: LocalProject) -> Callable[[], int]:
    """How many files outside the state dir changed since the runtime was deployed."""
    before = project_outside(module_project)
    return lambda: len(changed(before, project_outside(module_project)))


@pytest.fixture(scope="module")
def server(runtime: LocalRuntime) -> Iterator[EndpointServer]:
    endpoint = start_endpoint(runtime)
    yield endpoint
    endpoint.shutdown()


def _address(server: EndpointServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def raw_request(server: EndpointServer, head: str, body: bytes = b"", timeout: float = 20) -> tuple[int, Any, float]:
    """(status, JSON body, seconds) of one request sent byte for byte as given."""
    started = time.monotonic()
    with socket.create_connection(_address(server), timeout=timeout) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head_text, _, payload = data.partition(b"\r\n\r\n")
    status = int(head_text.split(b" ")[1])
    return status, json.loads(payload), time.monotonic() - started


def _length(data: bytes) -> int:
    for line in data.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def post(target: str, length: int | str, extra: str = "") -> str:
    return (
        f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {target}\r\n"
        f"Content-Type: application/x-amz-json-1.1\r\nContent-Length: {length}{extra}"
    )


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_an_oversized_body_is_refused_with_413_before_it_is_read(
    server: EndpointServer, chaos: FaultRecorder, outside: Callable[[], int]
) -> None:
    chaos.injected("oversized request", 1)
    size = 200 * 1024 * 1024
    before = _rss_mib()
    secret = b'{"Name": "' + b"A" * 4096
    status, body, seconds = raw_request(server, post("AWSGlue.GetWorkflow", size), secret)
    assert status == 413
    assert body["__type"] == "InvalidInputException" and str(http_limits.MAX_BODY_BYTES) in body["message"]
    assert "AAAA" not in body["message"]  # never echoed back
    assert seconds < 5 and _rss_mib() - before < 50
    chaos.outcome(lost=0, outside=outside())


@pytest.mark.parametrize(
    ("length", "body", "why"),
    [
        ("-5", b"{}", "negative Content-Length"),
        ("12abc", b"{}", "non-numeric Content-Length"),
        ("2", b"[]", "a JSON array body"),
        ("9", b'{"Name": ', "truncated JSON"),
        ("4", b"\xff\xfe{}", "bytes that are not UTF-8"),
    ],
)
def test_a_malformed_request_is_400_invalid_input_without_echo(
    server: EndpointServer, chaos: FaultRecorder, outside: Callable[[], int], length: str, body: bytes, why: str
) -> None:
    chaos.injected("malformed request")
    status, answer, _ = raw_request(server, post("AWSGlue.GetWorkflow", length), body)
    assert status == 400, why
    assert answer["__type"] == "InvalidInputException", why
    assert body.decode("latin-1") not in answer["message"] or not body.strip(b"{}[]"), why
    chaos.outcome(lost=0, outside=outside())


def test_a_false_content_length_is_cut_off_by_the_read_deadline(
    server: EndpointServer, chaos: FaultRecorder, outside: Callable[[], int], monkeypatch: pytest.MonkeyPatch
) -> None:
    chaos.injected("false Content-Length (slow sender)")
    monkeypatch.setattr(http_limits, "REQUEST_SECONDS", 0.5)
    status, answer, seconds = raw_request(server, post("AWSGlue.GetWorkflow", 1000), b'{"Name": "x"}')
    assert status == 408 and answer["__type"] == "RequestTimeoutException"
    assert seconds < 3
    chaos.outcome(lost=0, outside=outside())


@pytest.fixture(scope="module")
def glue(server: EndpointServer) -> Any:
    return boto3.client(
        "glue", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )


@pytest.mark.parametrize(
    ("call", "why"),
    [
        (lambda g: g.get_jobs(NextToken="not-a-token!"), "a NextToken we never issued"),
        (lambda g: g.get_jobs(NextToken="LTU="), "a NextToken encoding a negative offset"),
        (lambda g: g.get_tables(DatabaseName="glueflow_local_hostile", Expression="(unclosed"), "a bad regex"),
    ],
)
def test_bad_parameters_answer_invalid_input_not_500(
    glue: Any, chaos: FaultRecorder, outside: Callable[[], int], call: Any, why: str
) -> None:
    chaos.injected("bad parameter")
    with pytest.raises(ClientError) as error:
        call(glue)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400, why
    assert error.value.response["Error"]["Code"] == "InvalidInputException", why
    chaos.outcome(lost=0, outside=outside())


def test_300_idle_sockets_cost_no_threads_and_calls_still_answer(
    server: EndpointServer, glue: Any, chaos: FaultRecorder, outside: Callable[[], int]
) -> None:
    chaos.injected("300 idle connections + a stalled request")
    threads_before = threading.active_count()
    idle = [socket.create_connection(_address(server), timeout=10) for _ in range(300)]
    try:
        half_open = idle[0]
        half_open.sendall(b"POST / HTTP/1.1\r\n")  # one of them started a request and went quiet
        deadline = time.monotonic() + 20  # the loop accepts them as fast as a loaded machine lets it
        while server.open_connections < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.open_connections >= 300
        assert threading.active_count() - threads_before < 20  # was one thread per connection (304)
        started = time.monotonic()
        assert glue.get_workflow(Name=WORKFLOW)["Workflow"]["Name"] == WORKFLOW
        assert time.monotonic() - started < 2
    finally:
        for sock in idle:
            sock.close()
    chaos.outcome(lost=0, outside=outside())
