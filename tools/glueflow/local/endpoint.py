"""A Glue-compatible endpoint on loopback (contract 2): AWS JSON 1.1, `POST /` with `X-Amz-Target: AWSGlue.<Op>`.

boto3, the AWS CLI, the Lambda handler and job scripts reach the local runtime through it unchanged. The
standard library's ThreadingHTTPServer is enough: the protocol is one POST route with a JSON body, so a web
framework would add a dependency and nothing else. It binds 127.0.0.1 only and does not check signatures.
"""

from __future__ import annotations

import json
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from glueflow.local.errors import GlueApiError

TARGET_PREFIX = "AWSGlue."
CONTENT_TYPE = "application/x-amz-json-1.1"


class EndpointServer:
    """A running endpoint: `.url`, `.shutdown()`."""

    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.url = f"http://{host}:{port}"

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(runtime: Any, web: Any = None) -> type[BaseHTTPRequestHandler]:
    class GlueRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "glueflow-local-glue"
        # Keep-alive responses otherwise wait on Nagle + delayed ACK: ~47 ms per boto3 call, 2 ms without.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass  # requests are not logged: jobs poll, and the runtime records what matters in its store

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "glueflow-local")
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, code: str, message: str) -> None:
            self._reply(status, {"__type": code, "message": message})

        def do_GET(self) -> None:
            if web is None:
                self._error(405, "MethodNotAllowedException", "the Glue endpoint takes POST / (AWS JSON 1.1)")
                return
            try:
                response = web.get(self.path, self.headers.get("Host"))
            except Exception as exc:
                traceback.print_exc()
                response = web.failure(exc)
            self.send_response(response.status)
            for name, value in {**web.headers, **response.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        def do_POST(self) -> None:
            target = self.headers.get("X-Amz-Target", "")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not target.startswith(TARGET_PREFIX):
                self._error(400, "UnknownOperationException", f"missing or foreign X-Amz-Target: {target!r}")
                return
            operation = target[len(TARGET_PREFIX) :]
            try:
                params = json.loads(raw or b"{}")
            except ValueError as exc:
                self._error(400, "SerializationException", f"request body is not JSON: {exc}")
                return
            try:
                result = runtime.call(operation, params)
            except GlueApiError as exc:
                self._error(exc.http_status, exc.code, exc.message)
                return
            except Exception as exc:
                traceback.print_exc()
                self._error(500, "InternalServiceException", f"{type(exc).__name__}: {exc}")
                return
            self._reply(200, result)

    return GlueRequestHandler


def start_endpoint(runtime: Any, host: str = "127.0.0.1", port: int = 0, web: Any = None) -> EndpointServer:
    """Serve `runtime` (a LocalRuntime) on host:port in a background thread; port 0 picks a free port.
    `web` (a `glueflow.web.app.ConsoleApp`) answers GET requests: the web console; without it GET is refused."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the local Glue endpoint binds loopback only, not {host!r}")
    server = ThreadingHTTPServer((host, port), _handler_for(runtime, web))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="glue-endpoint", daemon=True)
    thread.start()
    return EndpointServer(server, thread)
